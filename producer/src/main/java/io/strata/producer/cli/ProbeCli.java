package io.strata.producer.cli;

import io.strata.schemas.config.ConfigException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code strata-probe} command: {@code run} (collect and publish until stopped), {@code once} (one round as JSON
 * on stdout, nothing sent) and {@code loadgen} (simulated nodes).
 *
 * <p>Exit codes: 0 success, 1 a failure while running, 2 a usage or configuration error (the message names the key and
 * the value).
 */
@Command(
        name = "strata-probe",
        mixinStandardHelpOptions = true,
        versionProvider = ProbeCli.Version.class,
        description = "The Strata node probe: host metrics, inventory and PostgreSQL state to Kafka.",
        subcommands = {RunCommand.class, OnceCommand.class, LoadgenCommand.class, CommandLine.HelpCommand.class})
public final class ProbeCli implements Callable<Integer> {

    /** Exit code of a usage or configuration error. */
    public static final int EXIT_USAGE = 2;

    /** Exit code of a failure while running. */
    public static final int EXIT_FAILURE = 1;

    private final Map<String, String> environment;

    @Spec
    CommandSpec spec;

    private ProbeCli(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * Runs the command line and returns the exit code (does not exit).
     *
     * @param environment the environment to read {@code STRATA_*} variables from
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        Objects.requireNonNull(args, "args");
        CommandLine commandLine = new CommandLine(new ProbeCli(Objects.requireNonNull(environment, "environment")));
        commandLine.setOut(Objects.requireNonNull(out, "out"));
        commandLine.setErr(Objects.requireNonNull(err, "err"));
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof ConfigException) {
                line.getErr().println("strata-probe: " + exception.getMessage());
                line.getErr().flush();
                return EXIT_USAGE;
            }
            line.getErr().println("strata-probe: " + exception);
            exception.printStackTrace(line.getErr());
            line.getErr().flush();
            return EXIT_FAILURE;
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    Map<String, String> environment() {
        return environment;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ProbeCli.class.getPackage().getImplementationVersion();
            return new String[] {"strata-probe " + (version == null ? "(development build)" : version)};
        }
    }
}
