package io.strata.local;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code strata-local} command.
 *
 * <p>Exit codes: 0 stopped normally, 1 a failure, 2 a usage or configuration error (the message names the option or
 * key).
 */
@Command(
        name = "strata-local",
        mixinStandardHelpOptions = true,
        version = "strata-local 0.1.0",
        sortOptions = false,
        description = {
            "Strata on this machine, in one process: an embedded Kafka broker and PostgreSQL 18, the probe of this"
                    + " host, the streams application and the sink; optionally a simulated fleet with history.",
            "Data is kept under --data-dir, so a restart continues where the last run stopped. Ctrl-C stops cleanly.",
            "Configuration keys of the apps (see their READMEs) can be set with -D; STRATA_* variables are ignored."
        })
final class LocalCli implements Callable<Integer> {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = ".strata",
            description = "Broker, database, spool and streams state (default ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            defaultValue = "19092",
            description = "Kafka port on 127.0.0.1; 0 = any free port (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--pg-port",
            paramLabel = "PORT",
            defaultValue = "15432",
            description = "PostgreSQL port on localhost; 0 = any free port (default ${DEFAULT-VALUE}).")
    int pgPort;

    @Option(
            names = "--simulate-nodes",
            paramLabel = "N",
            defaultValue = "0",
            description = "Also publish N simulated nodes (deterministic values) (default ${DEFAULT-VALUE}).")
    int simulateNodes;

    @Option(
            names = "--simulate-metrics",
            paramLabel = "M",
            defaultValue = "20",
            description = "Series per simulated node (default ${DEFAULT-VALUE}).")
    int simulateMetrics;

    @Option(
            names = "--simulate-interval",
            paramLabel = "DURATION",
            defaultValue = "10s",
            description = "Tick interval of the simulated nodes (default ${DEFAULT-VALUE}).")
    String simulateInterval;

    @Option(
            names = "--backfill",
            paramLabel = "DURATION",
            description = "History to generate for the simulated nodes first, at full speed (e.g. 26h: hourly and"
                    + " daily rollups at once), then realtime.")
    String backfill;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "Stop by itself after this long (e.g. 10m); default: run until Ctrl-C or SIGTERM.")
    String duration;

    @Option(
            names = "--partitions",
            paramLabel = "P",
            defaultValue = "3",
            description = "Partitions of every Strata topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--status-interval",
            paramLabel = "DURATION",
            defaultValue = "5s",
            description = "How often a status line is printed (default ${DEFAULT-VALUE}).")
    String statusInterval;

    @Option(names = "--no-probe", negatable = false, description = "Do not run the probe of this host.")
    boolean noProbe;

    @Option(
            names = "-D",
            paramLabel = "KEY=VALUE",
            description = "A configuration key for every app, e.g. -D rollup.daily.grace=10m or -D probe.interval=5s.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    private final PrintWriter out;

    private LocalCli(PrintWriter out) {
        this.out = out;
    }

    /** Runs the command line and returns the exit code (does not exit). */
    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new LocalCli(Objects.requireNonNull(out, "out")));
        commandLine.setOut(out);
        commandLine.setErr(Objects.requireNonNull(err, "err"));
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof ConfigException
                    || exception instanceof IllegalArgumentException
                    || exception instanceof ParameterException) {
                line.getErr().println("strata-local: " + exception.getMessage());
                line.getErr().flush();
                return EXIT_USAGE;
            }
            line.getErr().println("strata-local: " + exception);
            exception.printStackTrace(line.getErr());
            line.getErr().flush();
            return EXIT_FAILURE;
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() throws InterruptedException {
        LocalOptions options = options();
        LocalConfigs.validate(options);
        return LocalRun.run(options, out);
    }

    LocalOptions options() {
        port("--kafka-port", kafkaPort);
        port("--pg-port", pgPort);
        atLeast("--partitions", partitions, 1);
        atLeast("--simulate-nodes", simulateNodes, 0);
        atLeast("--simulate-metrics", simulateMetrics, 1);
        Duration interval = positive("--simulate-interval", simulateInterval);
        Duration history = backfill == null ? Duration.ZERO : duration("--backfill", backfill);
        if (!history.isZero() && simulateNodes == 0) {
            throw usage("--backfill needs --simulate-nodes N (N > 0): only simulated nodes have history");
        }
        return new LocalOptions(
                dataDir.toAbsolutePath().normalize(),
                kafkaPort,
                pgPort,
                partitions,
                simulateNodes,
                simulateMetrics,
                interval,
                history,
                duration == null ? null : positive("--duration", duration),
                positive("--status-interval", statusInterval),
                !noProbe,
                properties);
    }

    private void port(String option, int value) {
        if (value < 0 || value > 65_535) {
            throw usage(option + ": invalid value '" + value + "' (expected a port from 0 to 65535; 0 = any free)");
        }
    }

    private void atLeast(String option, int value, int min) {
        if (value < min) {
            throw usage(option + ": invalid value '" + value + "' (expected an integer >= " + min + ")");
        }
    }

    private Duration positive(String option, String text) {
        Duration value = duration(option, text);
        if (value.isZero()) {
            throw usage(option + ": invalid value '" + text + "' (expected a positive duration)");
        }
        return value;
    }

    private Duration duration(String option, String text) {
        Duration value;
        try {
            value = Durations.parse(text);
        } catch (RuntimeException e) {
            throw usage(option + ": invalid duration '" + text + "' (expected e.g. 26h, 10m, 30s, 500ms)");
        }
        if (value.isNegative()) {
            throw usage(option + ": invalid duration '" + text + "' (expected a duration >= 0)");
        }
        return value;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
