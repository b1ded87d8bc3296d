package io.strata.schemas.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The evolution rule of the contract: a schema must be both backward compatible (its readers read data written with
 * every released version) and forward compatible (readers of every released version read its data) with every
 * released version, as Avro's {@link SchemaCompatibility} decides.
 *
 * <p>In practice: add fields only with a default, remove only fields that had one, never change a field's type
 * except by Avro's promotions, add enum symbols only to enums that declare a default symbol.
 */
public final class SchemaCompatibilityChecker {

    private SchemaCompatibilityChecker() {}

    /**
     * Checks a candidate schema against one released version, both ways.
     *
     * @param candidate the new (current) schema
     * @param released a released version of the same record type
     * @param releasedLabel how to name the released version in messages, e.g. {@code v1}
     * @return one line per incompatibility; empty when compatible both ways
     */
    public static List<String> check(Schema candidate, Schema released, String releasedLabel) {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(released, "released");
        Objects.requireNonNull(releasedLabel, "releasedLabel");
        List<String> problems = new ArrayList<>();
        String name = candidate.getName();
        collect(
                problems,
                name + " is not backward compatible with " + releasedLabel + " (it cannot read " + releasedLabel
                        + " data)",
                SchemaCompatibility.checkReaderWriterCompatibility(candidate, released));
        collect(
                problems,
                name + " is not forward compatible with " + releasedLabel + " (" + releasedLabel
                        + " readers cannot read its data)",
                SchemaCompatibility.checkReaderWriterCompatibility(released, candidate));
        return problems;
    }

    /**
     * Checks every current schema this jar ships against every released version of its type.
     *
     * @return one line per incompatibility; empty when the contract evolved correctly
     */
    public static List<String> checkShippedSchemas() {
        List<String> problems = new ArrayList<>();
        for (ShippedType<?> type : ShippedSchemas.types()) {
            for (SchemaVersion released : type.released()) {
                problems.addAll(check(type.currentSchema(), released.schema(), released.label()));
            }
        }
        return problems;
    }

    private static void collect(List<String> problems, String headline, SchemaPairCompatibility result) {
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        List<Incompatibility> incompatibilities = result.getResult().getIncompatibilities();
        if (incompatibilities.isEmpty()) {
            problems.add(headline + ": " + result.getDescription());
        }
        for (Incompatibility incompatibility : incompatibilities) {
            problems.add(headline + ": " + incompatibility.getType() + " at " + incompatibility.getLocation() + ": "
                    + incompatibility.getMessage());
        }
    }
}
