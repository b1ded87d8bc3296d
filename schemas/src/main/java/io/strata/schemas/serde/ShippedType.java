package io.strata.schemas.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record type of the contract with its current schema (the generated class's) and its released versions.
 *
 * @param type the generated class
 * @param currentSchema the schema the generated class was built from
 * @param released the versions under history/, oldest first
 */
record ShippedType<T extends SpecificRecord>(Class<T> type, Schema currentSchema, List<SchemaVersion> released) {

    ShippedType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(currentSchema, "currentSchema");
        released = List.copyOf(released);
    }

    String name() {
        return currentSchema.getName();
    }

    /**
     * Every schema a writer of this type may have used: the released versions, plus the current schema when it
     * differs from all of them on the wire.
     */
    List<SchemaVersion> writerVersions() {
        SchemaVersion current = SchemaVersion.of(name(), SchemaVersion.CURRENT, currentSchema);
        List<SchemaVersion> all = new ArrayList<>(released);
        if (released.stream().noneMatch(version -> version.fingerprint() == current.fingerprint())) {
            all.add(current);
        }
        return List.copyOf(all);
    }
}
