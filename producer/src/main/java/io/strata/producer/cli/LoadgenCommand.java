package io.strata.producer.cli;

import io.strata.producer.config.ProbeConfig;
import io.strata.producer.loadgen.LoadGenerator;
import io.strata.producer.loadgen.LoadPlan;
import io.strata.producer.loadgen.LoadReport;
import io.strata.producer.publish.ProbeProducers;
import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.Durations;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata-probe loadgen}: simulated nodes with deterministic values, for benchmarks and end-to-end tests. */
@Command(
        name = "loadgen",
        mixinStandardHelpOptions = true,
        description = {
            "Simulate N nodes with M series each (some gauges, some counters) and publish them: values are a pure"
                    + " function of seed, node, series and time, so every sum, min, max and count can be recomputed.",
            "Past ticks are backfilled as fast as the broker accepts them; with --rate realtime, future ticks wait."
        })
final class LoadgenCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--nodes", required = true, paramLabel = "N", description = "Simulated nodes.")
    int nodes;

    @Option(names = "--metrics", required = true, paramLabel = "M", description = "Series per node.")
    int metrics;

    @Option(
            names = "--interval",
            defaultValue = "10s",
            paramLabel = "DURATION",
            description = "Tick interval (default ${DEFAULT-VALUE}).")
    String interval;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            defaultValue = "now",
            description = "First tick: ISO-8601 (2026-11-01T00:00:00Z), now, or now-DURATION (now-7d). Default now.")
    String from;

    @Option(
            names = "--to",
            paramLabel = "TIME",
            description = "End (exclusive), same forms as --from. Required with --rate max; without it realtime runs"
                    + " until stopped.")
    String to;

    @Option(
            names = "--rate",
            defaultValue = "max",
            paramLabel = "max|realtime",
            description = "max: as fast as the broker accepts; realtime: future ticks wait for their time.")
    String rate;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @ParentCommand
    ProbeCli parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ProbeConfig config = ProbeConfig.load(connection.configFile, parent.environment(), connection.overrides());
        Clock clock = Clock.systemUTC();
        LoadPlan plan;
        try {
            plan = new LoadPlan(
                    seed,
                    nodes,
                    metrics,
                    duration("--interval", interval),
                    time("--from", from, clock),
                    to == null ? null : time("--to", to, clock),
                    realtime());
        } catch (IllegalArgumentException e) {
            err.println("strata-probe loadgen: " + e.getMessage());
            return ProbeCli.EXIT_USAGE;
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                ProbeProducers.bulkProperties(config), new StringSerializer(), new ByteArraySerializer())) {
            LoadGenerator generator =
                    new LoadGenerator(producer, config.metricsTopic(), config.inventoryTopic(), clock, err);
            Thread hook = new Thread(generator::stop, "strata-loadgen-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            LoadReport report = generator.run(plan);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "loadgen: %d nodes x %d series x %d ticks = %d samples in %d batches (+%d inventories)"
                                    + " in %.1f s: %.0f samples/s; %d failed%n",
                            plan.nodes(),
                            plan.metrics(),
                            report.ticks(),
                            report.samples(),
                            report.batches(),
                            report.inventories(),
                            report.nanos() / 1e9,
                            report.samplesPerSecond(),
                            report.failures());
            return report.failures() == 0 ? 0 : ProbeCli.EXIT_FAILURE;
        }
    }

    private boolean realtime() {
        return switch (rate.toLowerCase(Locale.ROOT)) {
            case "max" -> false;
            case "realtime" -> true;
            default ->
                throw new IllegalArgumentException("--rate: invalid value '" + rate + "' (expected max or realtime)");
        };
    }

    private static Duration duration(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    option + ": invalid duration '" + text + "' (expected e.g. 10s, 500ms, 1m)");
        }
    }

    static Instant time(String option, String text, Clock clock) {
        String value = text.strip();
        try {
            if (value.equalsIgnoreCase("now")) {
                return clock.instant();
            }
            if (value.toLowerCase(Locale.ROOT).startsWith("now-")) {
                return clock.instant().minus(Durations.parse(value.substring(4)));
            }
            return Instant.parse(value);
        } catch (DateTimeParseException | ConfigException | IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": invalid time '" + text
                    + "' (expected ISO-8601 like 2026-11-01T00:00:00Z, now or now-7d)");
        }
    }
}
