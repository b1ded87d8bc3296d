package io.strata.producer.collect;

import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.hash.ContentHash;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content hash of an inventory: the shared {@link ContentHash} (the one change detection in {@code streams} uses),
 * which leaves out what moves without the node changing ({@code collectedAt}, the hash itself, services' uptime). A
 * restarted service has a new pid and start time: that is a change.
 */
final class InventoryHash {

    private InventoryHash() {}

    /** The lower-case hex SHA-256 of the inventory's content. */
    static String of(NodeInventory inventory) {
        return ContentHash.of(inventory);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
