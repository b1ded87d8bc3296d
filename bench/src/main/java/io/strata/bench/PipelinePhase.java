package io.strata.bench;

import io.strata.producer.config.ProbeConfig;
import io.strata.producer.loadgen.LoadGenerator;
import io.strata.producer.loadgen.LoadPlan;
import io.strata.producer.loadgen.LoadReport;
import io.strata.producer.publish.ProbeProducers;
import io.strata.sink.app.SinkApp;
import java.io.PrintWriter;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfill through the whole pipeline: the load generator publishes {@code hours} of a simulated fleet at full
 * speed while streams and the sink (already running) consume it. Done when every raw row and every hourly and daily
 * rollup of the backfilled period is in PostgreSQL. Times are measured from the first send.
 *
 * <p>The period ends at the last UTC midnight, followed by two trailing ticks: streams closes a bucket when it sees
 * time past its end (plus the benchmark's 1 s grace), so those ticks close the last hour and day at once.
 */
final class PipelinePhase {

    private static final Logger LOG = LoggerFactory.getLogger(PipelinePhase.class);
    static final long SEED = 42;

    /** What the phase measured; the {@code *Seconds} are from the first send, NaN if not reached. */
    record Result(
            long samples,
            long records,
            long expectedHourly,
            long expectedDaily,
            double produceSeconds,
            double streamsSeconds,
            double sinkSeconds,
            double e2eSeconds,
            long sinkTransactions,
            LagTrend lag,
            Instant from,
            Instant end) {

        double rate(double seconds) {
            return seconds > 0 ? samples / seconds : Double.NaN;
        }
    }

    private PipelinePhase() {}

    static Result run(
            BenchCluster cluster,
            SinkApp sink,
            Offsets offsets,
            int nodes,
            int metrics,
            Duration interval,
            int hours,
            Duration timeout)
            throws InterruptedException {
        Instant to = Instant.now().truncatedTo(ChronoUnit.DAYS);
        Instant from = to.minus(Duration.ofHours(hours));
        Instant end = to.plus(interval.multipliedBy(2));
        long ticks = (end.toEpochMilli() - from.toEpochMilli()) / interval.toMillis();
        long records = ticks * nodes;
        long samples = records * metrics;
        long series = (long) nodes * metrics;
        long expectedHourly = series * hours;
        long expectedDaily = series * ((hours + 23) / 24);
        LOG.info(
                "Backfill {} nodes x {} series every {} from {} to {}: {} samples in {} records",
                nodes,
                metrics,
                interval,
                from,
                end,
                samples,
                records);

        ProbeConfig probe = cluster.probe();
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                ProbeProducers.bulkProperties(probe), new StringSerializer(), new ByteArraySerializer());
        LoadGenerator generator = new LoadGenerator(
                producer,
                probe.metricsTopic(),
                probe.inventoryTopic(),
                Clock.systemUTC(),
                new PrintWriter(Writer.nullWriter()));
        LoadPlan plan = new LoadPlan(SEED, nodes, metrics, interval, from, end, false);
        long sinkBefore = sink.stats().samples();
        long started = System.nanoTime();
        CompletableFuture<LoadReport> sending = CompletableFuture.supplyAsync(() -> {
            try (producer) {
                return generator.run(plan);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });

        double produced = Double.NaN;
        double streamsDone = Double.NaN;
        double sinkDone = Double.NaN;
        double e2eDone = Double.NaN;
        LagTrend lag = new LagTrend();
        long deadline = started + timeout.toNanos();
        long nextRollupCheck = 0;
        while (Double.isNaN(e2eDone) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            double now = seconds(started);
            if (Double.isNaN(produced) && sending.isDone()) {
                LoadReport report = sending.join();
                if (report.failures() > 0) {
                    throw new IllegalStateException(report.failures() + " records were not acknowledged");
                }
                produced = seconds(started);
                LOG.info("Load generator done after {} s", String.format("%.1f", produced));
            }
            long topicEnd = offsets.end();
            long streamsAt = offsets.streams();
            long sinkAt = offsets.sink();
            lag.add(now, topicEnd - streamsAt, topicEnd - sinkAt);
            if (Double.isNaN(streamsDone) && !Double.isNaN(produced) && streamsAt >= topicEnd) {
                streamsDone = now;
                LOG.info("Streams caught up after {} s", String.format("%.1f", now));
            }
            if (Double.isNaN(sinkDone) && sink.stats().samples() - sinkBefore >= samples) {
                sinkDone = now;
                LOG.info("Sink wrote every raw sample after {} s", String.format("%.1f", now));
            }
            // Counting rollups costs a scan: often only once the raw rows are in.
            if (!Double.isNaN(sinkDone) || System.nanoTime() >= nextRollupCheck) {
                nextRollupCheck = System.nanoTime() + 2_000_000_000L;
                if (!Double.isNaN(sinkDone)
                        && count(cluster.database(), "rollups_hourly", to) >= expectedHourly
                        && count(cluster.database(), "rollups_daily", to) >= expectedDaily) {
                    e2eDone = seconds(started);
                    LOG.info("Every rollup in PostgreSQL after {} s", String.format("%.1f", e2eDone));
                }
            }
        }
        if (Double.isNaN(e2eDone)) {
            LOG.warn(
                    "The pipeline did not finish within {} (hourly {}/{}, daily {}/{})",
                    timeout,
                    count(cluster.database(), "rollups_hourly", to),
                    expectedHourly,
                    count(cluster.database(), "rollups_daily", to),
                    expectedDaily);
            generator.stop();
        }
        return new Result(
                samples,
                records,
                expectedHourly,
                expectedDaily,
                produced,
                streamsDone,
                sinkDone,
                e2eDone,
                sink.stats().transactions(),
                lag,
                from,
                end);
    }

    private static long count(DataSource database, String table, Instant before) {
        try (Connection connection = database.getConnection();
                PreparedStatement query =
                        connection.prepareStatement("SELECT count(*) FROM " + table + " WHERE bucket_start < ?")) {
            query.setTimestamp(1, Timestamp.from(before));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count " + table, e);
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
