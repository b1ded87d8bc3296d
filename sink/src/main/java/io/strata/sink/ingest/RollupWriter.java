package io.strata.sink.ingest;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.RollupTier;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Upserts rollups into {@code rollups_hourly} / {@code rollups_daily} by (series, bucket): a higher {@code revision}
 * replaces a lower one, never the reverse. p50/p95/p99 are read from the DDSketch and stored as columns beside it.
 */
final class RollupWriter {

    private static final String UPSERT = """
            INSERT INTO %1$s (series_id, bucket_start, bucket_end, sample_count, sum, min, max, avg, first, last,
                increase, p50, p95, p99, sketch, revision, samples_expected, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
            ON CONFLICT (series_id, bucket_start) DO UPDATE SET
                bucket_end = excluded.bucket_end, sample_count = excluded.sample_count, sum = excluded.sum,
                min = excluded.min, max = excluded.max, avg = excluded.avg, first = excluded.first,
                last = excluded.last, increase = excluded.increase, p50 = excluded.p50, p95 = excluded.p95,
                p99 = excluded.p99, sketch = excluded.sketch, revision = excluded.revision,
                samples_expected = excluded.samples_expected, updated_at = excluded.updated_at
            WHERE excluded.revision > %1$s.revision""";

    /** A rollup with its series id and decoded sketch. */
    record Row(long seriesId, MetricRollup rollup, DDSketch sketch) {}

    private RollupWriter() {}

    static String table(RollupTier tier) {
        return tier == RollupTier.DAILY ? "rollups_daily" : "rollups_hourly";
    }

    /** Upserts {@code rows}, all of one tier; returns how many rows were inserted or replaced. */
    static int upsert(Connection connection, RollupTier tier, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        int changed = 0;
        try (PreparedStatement upsert = connection.prepareStatement(String.format(UPSERT, table(tier)))) {
            for (Row row : rows) {
                MetricRollup rollup = row.rollup();
                int column = 1;
                upsert.setLong(column++, row.seriesId());
                upsert.setObject(column++, utc(rollup.getBucketStart()));
                upsert.setObject(column++, utc(rollup.getBucketEnd()));
                upsert.setLong(column++, rollup.getCount());
                upsert.setDouble(column++, rollup.getSum());
                upsert.setDouble(column++, rollup.getMin());
                upsert.setDouble(column++, rollup.getMax());
                if (rollup.getCount() > 0) {
                    upsert.setDouble(column++, rollup.getSum() / rollup.getCount());
                } else {
                    upsert.setNull(column++, Types.DOUBLE);
                }
                upsert.setDouble(column++, rollup.getFirst());
                upsert.setDouble(column++, rollup.getLast());
                if (rollup.getIncrease() != null) {
                    upsert.setDouble(column++, rollup.getIncrease());
                } else {
                    upsert.setNull(column++, Types.DOUBLE);
                }
                for (double quantile : new double[] {0.50, 0.95, 0.99}) {
                    if (row.sketch().isEmpty()) {
                        upsert.setNull(column++, Types.DOUBLE);
                    } else {
                        upsert.setDouble(column++, row.sketch().getValueAtQuantile(quantile));
                    }
                }
                upsert.setBytes(column++, bytes(rollup.getSketch()));
                upsert.setInt(column++, rollup.getRevision());
                if (rollup.getSamplesExpected() != null) {
                    upsert.setLong(column, rollup.getSamplesExpected());
                } else {
                    upsert.setNull(column, Types.BIGINT);
                }
                upsert.addBatch();
            }
            for (int count : upsert.executeBatch()) {
                changed += Math.max(count, 0);
            }
        }
        return changed;
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
