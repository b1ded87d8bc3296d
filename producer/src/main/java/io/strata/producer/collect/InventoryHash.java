package io.strata.producer.collect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.strata.schemas.avro.NodeInventory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The content hash of an inventory: SHA-256 over a canonical JSON encoding (keys sorted) of everything except what
 * changes without the node changing: {@code collectedAt}, {@code contentHash} itself, services' uptime and watched
 * files' modification time (their content hash covers them). A restarted service has a new pid and start time: that
 * is a change.
 */
final class InventoryHash {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private InventoryHash() {}

    /** The lower-case hex SHA-256 of the inventory's content. */
    @SuppressWarnings("unchecked")
    static String of(NodeInventory inventory) {
        Map<String, Object> tree = (Map<String, Object>) AvroTree.of(inventory);
        tree.remove("collectedAt");
        tree.remove("contentHash");
        for (Object service : (List<Object>) tree.get("services")) {
            ((Map<String, Object>) service).remove("uptimeSeconds");
        }
        for (Object file : (List<Object>) tree.get("documentationFiles")) {
            ((Map<String, Object>) file).remove("modifiedAt");
        }
        try {
            return sha256(CANONICAL.writeValueAsBytes(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode the inventory for hashing", e);
        }
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
