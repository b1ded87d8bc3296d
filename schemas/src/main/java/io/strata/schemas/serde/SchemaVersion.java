package io.strata.schemas.serde;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * One shipped version of one record type's schema.
 *
 * @param typeName simple name of the record type, e.g. {@code MetricBatch}
 * @param version the released version number (1, 2, ...), or {@link #CURRENT} for a current schema that is not
 *     released yet
 * @param schema the schema
 * @param fingerprint the CRC-64-AVRO fingerprint of the schema's parsing canonical form, as written in the
 *     single-object header
 */
record SchemaVersion(String typeName, int version, Schema schema, long fingerprint) {

    /** Version number of a current schema that has no released copy under history/ yet. */
    static final int CURRENT = 0;

    SchemaVersion {
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(schema, "schema");
    }

    static SchemaVersion of(String typeName, int version, Schema schema) {
        return new SchemaVersion(typeName, version, schema, SchemaNormalization.parsingFingerprint64(schema));
    }

    /** {@code v1}, {@code v2}, ... or {@code current}. */
    String label() {
        return version == CURRENT ? "current" : "v" + version;
    }
}
