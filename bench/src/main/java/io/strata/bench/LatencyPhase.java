package io.strata.bench;

import io.strata.producer.config.ProbeConfig;
import io.strata.producer.loadgen.LoadGenerator;
import io.strata.producer.loadgen.LoadPlan;
import io.strata.producer.loadgen.LoadReport;
import io.strata.producer.publish.ProbeProducers;
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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sample-to-row latency at a fixed realtime rate: the load generator sends one batch per node per second (nodes x
 * series = the rate) with the probe's own producer settings, and a poller asks PostgreSQL every {@code poll} how
 * many rows each tick has ({@code SELECT measured_at, count(*) ... GROUP BY 1}). Rows first seen by a poll become
 * visible between the previous poll and this one: their latency is taken as (this poll's start - the sample's
 * timestamp), an upper bound within one poll period. Ticks in the first {@code warmup} (new nodes: inventory and
 * series registration) are reported apart.
 */
final class LatencyPhase {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyPhase.class);
    private static final long SEED = 7;

    /**
     * Steady-state and warm-up histograms, samples never seen, the poll period, the lag trend and the seconds from
     * the phase's start to the end of its load (the span the lag quarters cover).
     */
    record Result(
            LatencyHistogram steady,
            LatencyHistogram warmup,
            long expected,
            long missing,
            double achievedRate,
            double pollMillis,
            LagTrend lag,
            double seconds) {}

    private LatencyPhase() {}

    static Result run(
            BenchCluster cluster,
            Offsets offsets,
            int nodes,
            int metrics,
            Duration duration,
            Duration warmup,
            Duration poll)
            throws InterruptedException {
        Duration interval = Duration.ofSeconds(1);
        // Start on a whole second a little ahead, so the first tick is not already late.
        Instant from = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 2);
        Instant to = from.plus(duration);
        int ticks = (int) duration.toSeconds();
        long perTick = (long) nodes * metrics;
        ProbeConfig probe = cluster.probe();
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                ProbeProducers.properties(probe), new StringSerializer(), new ByteArraySerializer());
        LoadGenerator generator = new LoadGenerator(
                producer,
                probe.metricsTopic(),
                probe.inventoryTopic(),
                Clock.systemUTC(),
                new PrintWriter(Writer.nullWriter()));
        LoadPlan plan = new LoadPlan(SEED, nodes, metrics, interval, from, to, true);
        LOG.info("Realtime {} nodes x {} series every second for {}", nodes, metrics, duration);
        long started = System.nanoTime();
        // The lag trend covers the time the load is applied, not the drain after the last tick.
        double loadSeconds = (to.toEpochMilli() - System.currentTimeMillis()) / 1000.0;
        CompletableFuture<LoadReport> sending = CompletableFuture.supplyAsync(() -> {
            try (producer) {
                return generator.run(plan);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });

        LatencyHistogram steady = new LatencyHistogram();
        LatencyHistogram early = new LatencyHistogram();
        Map<Long, Long> seen = new HashMap<>();
        long firstTickMs = from.toEpochMilli();
        long warmupEndMs = firstTickMs + warmup.toMillis();
        long oldestOpen = firstTickMs;
        long polls = 0;
        long pollNanos = 0;
        LagTrend lag = new LagTrend();
        long nextLag = 0;
        // Wait for late rows at most 30 s after the last tick.
        long deadlineMs = to.toEpochMilli() + 30_000;
        try (Connection connection = cluster.database().getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT (extract(epoch FROM measured_at) * 1000)::bigint, count(*) FROM metric_samples"
                                + " WHERE measured_at >= ? AND measured_at < ? GROUP BY 1")) {
            query.setTimestamp(2, Timestamp.from(to));
            while (oldestOpen < to.toEpochMilli() && System.currentTimeMillis() < deadlineMs) {
                long pollStart = System.nanoTime();
                long pollMs = System.currentTimeMillis();
                query.setTimestamp(1, new Timestamp(oldestOpen));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        long tick = rows.getLong(1);
                        long count = rows.getLong(2);
                        long fresh = count - seen.getOrDefault(tick, 0L);
                        if (fresh > 0) {
                            seen.put(tick, count);
                            (tick < warmupEndMs ? early : steady).add(pollMs - tick, fresh);
                        }
                    }
                }
                while (oldestOpen < to.toEpochMilli() && seen.getOrDefault(oldestOpen, 0L) >= perTick) {
                    oldestOpen += interval.toMillis();
                }
                polls++;
                pollNanos += System.nanoTime() - pollStart;
                if (System.nanoTime() >= nextLag) {
                    nextLag = System.nanoTime() + 1_000_000_000L;
                    long end = offsets.end();
                    lag.add(PipelinePhase.seconds(started), end - offsets.streams(), end - offsets.sink());
                }
                long sleep = poll.toMillis() - (System.nanoTime() - pollStart) / 1_000_000;
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The latency poll failed", e);
        }
        generator.stop();
        LoadReport report = sending.join();
        long expected = perTick * ticks;
        long got = seen.values().stream().mapToLong(Long::longValue).sum();
        // A poll slower than its period stretches it: the resolution is the longer of the two.
        double pollMillis = Math.max(poll.toMillis(), polls == 0 ? 0 : pollNanos / 1e6 / polls);
        LOG.info("Latency: {} of {} samples seen, {} polls", got, expected, polls);
        return new Result(
                steady,
                early,
                expected,
                Math.max(0, expected - got),
                report.samplesPerSecond(),
                pollMillis,
                lag,
                loadSeconds);
    }
}
