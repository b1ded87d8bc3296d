package io.strata.schemas.serde;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every record type of the contract and every schema version this jar ships.
 *
 * <p>Released versions live in the jar as {@code io/strata/schemas/avro/history/<Type>/v<n>.avsc}, numbered from 1
 * without gaps; each file is a complete, standalone schema.
 */
final class ShippedSchemas {

    static final String HISTORY_ROOT = "io/strata/schemas/avro/history/";

    private static final List<ShippedType<?>> TYPES = List.of(
            load(MetricBatch.class, MetricBatch.getClassSchema()),
            load(MetricRollup.class, MetricRollup.getClassSchema()),
            load(NodeInventory.class, NodeInventory.getClassSchema()),
            load(PostgresState.class, PostgresState.getClassSchema()),
            load(ChangeEvent.class, ChangeEvent.getClassSchema()));

    private static final Map<Long, SchemaVersion> BY_FINGERPRINT = indexByFingerprint();

    private ShippedSchemas() {}

    static List<ShippedType<?>> types() {
        return TYPES;
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> ShippedType<T> of(Class<T> type) {
        for (ShippedType<?> shipped : TYPES) {
            if (shipped.type() == type) {
                return (ShippedType<T>) shipped;
            }
        }
        throw new IllegalArgumentException("Not a Strata record type: " + type.getName());
    }

    /** The shipped schema (of any type) whose single-object fingerprint this is. */
    static Optional<SchemaVersion> byFingerprint(long fingerprint) {
        return Optional.ofNullable(BY_FINGERPRINT.get(fingerprint));
    }

    /** A schema store holding every shipped version of every type, for Avro's own {@code BinaryMessageDecoder}. */
    static SchemaStore.Cache schemaStore() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        TYPES.forEach(type -> type.writerVersions().forEach(version -> store.addSchema(version.schema())));
        return store;
    }

    private static <T extends SpecificRecord> ShippedType<T> load(Class<T> type, Schema current) {
        List<SchemaVersion> released = new ArrayList<>();
        for (int version = 1; ; version++) {
            String path = historyPath(current.getName(), version);
            try (InputStream in = ShippedSchemas.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    break;
                }
                Schema schema = new Schema.Parser().parse(in);
                if (!schema.getFullName().equals(current.getFullName())) {
                    throw new IllegalStateException(
                            path + " defines " + schema.getFullName() + ", expected " + current.getFullName());
                }
                released.add(SchemaVersion.of(current.getName(), version, schema));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + path, e);
            } catch (SchemaParseException e) {
                throw new IllegalStateException("Invalid schema in " + path, e);
            }
        }
        return new ShippedType<>(type, current, released);
    }

    static String historyPath(String typeName, int version) {
        return HISTORY_ROOT + typeName + "/v" + version + ".avsc";
    }

    private static Map<Long, SchemaVersion> indexByFingerprint() {
        Map<Long, SchemaVersion> index = new HashMap<>();
        for (ShippedType<?> type : TYPES) {
            for (SchemaVersion version : type.writerVersions()) {
                // Versions that differ only in docs or defaults share a fingerprint; the latest wins.
                SchemaVersion clash = index.put(version.fingerprint(), version);
                if (clash != null && !clash.typeName().equals(version.typeName())) {
                    throw new IllegalStateException("Fingerprint clash between " + clash.typeName() + " "
                            + clash.label() + " and " + version.typeName() + " " + version.label());
                }
            }
        }
        return Map.copyOf(index);
    }
}
