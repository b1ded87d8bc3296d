package io.strata.sink.ingest;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSeries;
import io.strata.schemas.avro.RollupTier;
import io.strata.schemas.validate.BatchValidator;
import io.strata.schemas.validate.SeriesBounds;
import io.strata.schemas.validate.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Checks decoded records against {@link ValidationRules}. A record is accepted or rejected as a whole: the Kafka
 * record is the unit that is dead-lettered, so one bad sample sends its whole batch to the dead-letter topic.
 *
 * <p>Quotes, backslashes, tabs, newlines, SQL keywords and any other Unicode are valid: they are bound as parameters
 * and COPYed in binary, so they are stored verbatim. Only U+0000 is rejected, because PostgreSQL's {@code text} and
 * {@code jsonb} cannot hold it.
 */
final class RecordValidator {

    private final ValidationRules rules;
    private final BatchValidator series;

    RecordValidator(ValidationRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.series = new BatchValidator(new SeriesBounds(
                rules.maxLabels(), rules.maxLabelKeyLength(), rules.maxLabelValueLength(), rules.maxNameLength()));
    }

    /** The first problem of a raw batch, if any: the checks Streams applies too, in the window of {@link #rules()}. */
    Optional<Rejection> validate(MetricBatch batch, Instant now) {
        return series.validate(batch, now.minus(rules.maxAge()), now.plus(rules.maxFuture()))
                .map(RecordValidator::rejection);
    }

    /**
     * The first problem of a state record (inventory, PostgreSQL state, change event), if any: U+0000 in any of its
     * strings, map keys included. Checked before any database work, because PostgreSQL rejects it only inside the
     * transaction, which then has to be retried record by record.
     */
    Optional<Rejection> validateState(Object value) {
        String path = nulPath(value, value == null ? "" : value.getClass().getSimpleName(), 0);
        return path == null
                ? Optional.empty()
                : Optional.of(new Rejection(Rejection.NUL_CHARACTER, path + " contains U+0000"));
    }

    /** Where {@code value} holds a U+0000 (a field path), or null. Avro values nest records, arrays and maps. */
    private static String nulPath(Object value, String where, int depth) {
        if (depth > 32) {
            return null; // Avro schemas of the state topics are shallow; a deeper value is not from them
        }
        if (value instanceof CharSequence text) {
            return text.toString().indexOf('\0') >= 0 ? where : null;
        }
        if (value instanceof org.apache.avro.generic.IndexedRecord record) {
            for (org.apache.avro.Schema.Field field : record.getSchema().getFields()) {
                String found = nulPath(record.get(field.pos()), where + "." + field.name(), depth + 1);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                if (key.indexOf('\0') >= 0) {
                    return where + " key";
                }
                String found = nulPath(entry.getValue(), where + "['" + key + "']", depth + 1);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (value instanceof Iterable<?> items) {
            int index = 0;
            for (Object item : items) {
                String found = nulPath(item, where + "[" + index++ + "]", depth + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The first problem of a rollup, if any; {@code knownNode} tells whether its node is registered. */
    Optional<Rejection> validate(MetricRollup rollup, Instant now, Predicate<String> knownNode) {
        MetricSeries series = rollup.getSeries();
        Optional<Rejection> problem = name("nodeId", rollup.getNodeId())
                .or(() ->
                        series("series", series.getCategory(), series.getName(), series.getUnit(), series.getLabels()));
        if (problem.isPresent()) {
            return problem;
        }
        if (!rollup.getBucketEnd().isAfter(rollup.getBucketStart()) || rollup.getCount() < 0) {
            return Optional.of(new Rejection(
                    Rejection.BAD_BUCKET,
                    "bucket [" + rollup.getBucketStart() + ", " + rollup.getBucketEnd() + ") with count "
                            + rollup.getCount()));
        }
        problem = BatchValidator.finite("sum", rollup.getSum())
                .or(() -> BatchValidator.finite("min", rollup.getMin()))
                .or(() -> BatchValidator.finite("max", rollup.getMax()))
                .or(() -> BatchValidator.finite("first", rollup.getFirst()))
                .or(() -> BatchValidator.finite("last", rollup.getLast()))
                .or(() -> rollup.getIncrease() == null
                        ? Optional.empty()
                        : BatchValidator.finite("increase", rollup.getIncrease()))
                .map(RecordValidator::rejection);
        if (problem.isPresent()) {
            return problem;
        }
        Duration maxAge = rollup.getTier() == RollupTier.DAILY ? rules.dailyMaxAge() : rules.hourlyMaxAge();
        problem = BatchValidator.window("bucketEnd", rollup.getBucketEnd(), now.minus(maxAge), Instant.MAX)
                .or(() -> BatchValidator.window(
                        "bucketStart", rollup.getBucketStart(), Instant.MIN, now.plus(rules.maxFuture())))
                .map(RecordValidator::rejection);
        if (problem.isPresent()) {
            return problem;
        }
        if (!knownNode.test(rollup.getNodeId())) {
            return Optional.of(new Rejection(
                    Rejection.UNKNOWN_NODE,
                    "rollup for node '" + rollup.getNodeId() + "', which has no system_nodes row"));
        }
        return Optional.empty();
    }

    /** Whether a series passes every check (without building a message); the fast path of raw batches uses it. */
    boolean seriesLooksValid(String category, String name, String unit, Map<String, String> labels) {
        return series.seriesLooksValid(category, name, unit, labels);
    }

    /** Whether a node id or name passes the checks of {@link #validate(MetricBatch, Instant)}. */
    boolean nodeNameLooksValid(String value) {
        return series.nameLooksValid(value);
    }

    /** The rules checked. */
    ValidationRules rules() {
        return rules;
    }

    // The series bounds and their messages are shared with Streams, so that both reject the same records alike.
    private Optional<Rejection> series(
            String where, String category, String name, String unit, Map<String, String> labels) {
        return series.series(where, category, name, unit, labels).map(RecordValidator::rejection);
    }

    private Optional<Rejection> name(String what, String value) {
        return series.name(what, value).map(RecordValidator::rejection);
    }

    private static Rejection rejection(Violation violation) {
        return new Rejection(violation.reason(), violation.message());
    }
}
