package io.strata.sink.cli;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import io.strata.sink.app.SinkApp;
import io.strata.sink.app.SinkSettings;
import io.strata.sink.db.Jdbis;
import io.strata.sink.db.PartitionMaintenance;
import io.strata.sink.db.PerformanceSummary;
import io.strata.sink.snapshot.Snapshot;
import io.strata.sink.snapshot.SnapshotType;
import io.strata.sink.snapshot.StateSnapshots;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code strata-sink} command. Without a subcommand it runs the sink (as {@code run}).
 *
 * <p>Exit codes: 0 success, 1 a failure, 2 a usage or configuration error (the message names the key and value).
 */
@Command(
        name = "strata-sink",
        mixinStandardHelpOptions = true,
        versionProvider = SinkCli.Version.class,
        description = "The Strata sink: every Strata topic into PostgreSQL, exactly once.",
        subcommands = {
            SinkCli.Run.class,
            SinkCli.Migrate.class,
            SinkCli.Maintain.class,
            SinkCli.TakeSnapshot.class,
            SinkCli.Verify.class,
            CommandLine.HelpCommand.class
        })
public final class SinkCli implements Callable<Integer> {

    /** Exit code of a failure. */
    public static final int EXIT_FAILURE = 1;

    /** Exit code of a usage or configuration error. */
    public static final int EXIT_USAGE = 2;

    private final Map<String, String> environment;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Spec
    CommandSpec spec;

    private SinkCli(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Runs the command line and returns the exit code (does not exit). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new SinkCli(Objects.requireNonNull(environment, "environment")));
        commandLine.setOut(Objects.requireNonNull(out, "out"));
        commandLine.setErr(Objects.requireNonNull(err, "err"));
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof ConfigException || exception instanceof IllegalArgumentException) {
                line.getErr().println("strata-sink: " + exception.getMessage());
                line.getErr().flush();
                return EXIT_USAGE;
            }
            line.getErr().println("strata-sink: " + exception);
            exception.printStackTrace(line.getErr());
            line.getErr().flush();
            return EXIT_FAILURE;
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** No subcommand: run the sink. */
    @Override
    public Integer call() {
        return runSink(options.load(environment));
    }

    static int runSink(StrataConfig config) {
        SinkApp app = SinkApp.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            stopped.countDown();
                        },
                        "strata-sink-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    StrataConfig config(ConfigOptions own) {
        // A subcommand's own options win over those given before it.
        StrataConfig parent = options.load(environment);
        return own.configFile == null && own.bootstrapServers == null && own.dbUrl == null && own.properties.isEmpty()
                ? parent
                : merged(own);
    }

    private StrataConfig merged(ConfigOptions own) {
        ConfigOptions combined = new ConfigOptions();
        combined.configFile = own.configFile != null ? own.configFile : options.configFile;
        combined.bootstrapServers = own.bootstrapServers != null ? own.bootstrapServers : options.bootstrapServers;
        combined.dbUrl = own.dbUrl != null ? own.dbUrl : options.dbUrl;
        combined.properties.putAll(options.properties);
        combined.properties.putAll(own.properties);
        return combined.load(environment);
    }

    /** {@code strata-sink run}: consume until stopped (SIGTERM, Ctrl-C). */
    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the sink until stopped.")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        SinkCli cli;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Override
        public Integer call() {
            return runSink(cli.config(options));
        }
    }

    /** {@code strata-sink migrate}: apply pending Flyway migrations and exit. */
    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply pending schema migrations.")
    static final class Migrate implements Callable<Integer> {
        @ParentCommand
        SinkCli cli;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Override
        public Integer call() {
            int applied = SinkApp.migrate(SinkSettings.from(cli.config(options)));
            cli.out().println("strata-sink: " + applied + " migration(s) applied");
            return 0;
        }
    }

    /**
     * {@code strata-sink maintain}: partitions ahead, expired partitions dropped, automated snapshots pruned, the
     * performance summary refreshed.
     */
    @Command(
            name = "maintain",
            mixinStandardHelpOptions = true,
            description =
                    "Create partitions ahead, drop expired ones, prune automated snapshots, refresh v_performance_summary.")
    static final class Maintain implements Callable<Integer> {
        @ParentCommand
        SinkCli cli;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Override
        public Integer call() {
            return cli.withDatabase(options, (settings, jdbi) -> {
                PartitionMaintenance.Report report =
                        new PartitionMaintenance(jdbi, settings.retention(), Clock.systemUTC()).run();
                cli.out().println("strata-sink: " + report);
                PerformanceSummary.Refresh refresh = new PerformanceSummary(jdbi).refresh();
                cli.out()
                        .println("strata-sink: v_performance_summary refreshed as of " + refresh.asOf() + " in "
                                + refresh.took().toMillis() + " ms");
                return 0;
            });
        }
    }

    /** {@code strata-sink snapshot}: write the whole current state with its SHA-256. */
    @Command(
            name = "snapshot",
            mixinStandardHelpOptions = true,
            description = "Write a snapshot of the whole current state (canonical JSON and its SHA-256).")
    static final class TakeSnapshot implements Callable<Integer> {
        @ParentCommand
        SinkCli cli;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Option(names = "--name", required = true, description = "Unique snapshot name.")
        String name;

        @Option(
                names = "--type",
                required = true,
                description = "verified, production, baseline or automated (only automated ones are pruned).")
        String type;

        @Option(names = "--description", description = "What the snapshot is for.")
        String description;

        @Override
        public Integer call() {
            SnapshotType snapshotType = SnapshotType.parse(type);
            return cli.withDatabase(options, (settings, jdbi) -> {
                Snapshot snapshot =
                        StateSnapshots.take(jdbi, name, snapshotType, description, System.getProperty("user.name"));
                cli.out()
                        .println("strata-sink: snapshot '" + snapshot.name() + "' ("
                                + snapshot.type().dbValue() + ") of " + snapshot.nodes() + " nodes, SHA-256 "
                                + snapshot.stateHash());
                return 0;
            });
        }
    }

    /** {@code strata-sink verify}: recompute a snapshot's hash from what is stored. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Check that a stored snapshot still hashes to its SHA-256.")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        SinkCli cli;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Option(names = "--name", required = true, description = "Snapshot name.")
        String name;

        @Override
        public Integer call() {
            return cli.withDatabase(options, (settings, jdbi) -> {
                Optional<Boolean> verified = jdbi.withHandle(handle -> StateSnapshots.verify(handle, name));
                if (verified.isEmpty()) {
                    cli.err().println("strata-sink: no snapshot named '" + name + "'");
                    return EXIT_FAILURE;
                }
                cli.out().println("strata-sink: snapshot '" + name + "' " + (verified.get() ? "verified" : "TAMPERED"));
                return verified.get() ? 0 : EXIT_FAILURE;
            });
        }
    }

    /** Runs {@code work} with the settings and a Jdbi over a short-lived pool. */
    private int withDatabase(ConfigOptions own, BiFunction<SinkSettings, Jdbi, Integer> work) {
        SinkSettings settings = SinkSettings.from(config(own));
        try (var pool = SinkApp.pool(settings)) {
            return work.apply(settings, Jdbis.create(pool));
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SinkCli.class.getPackage().getImplementationVersion();
            return new String[] {"strata-sink " + (version == null ? "(development build)" : version)};
        }
    }
}
