package io.strata.producer.cli;

import io.strata.producer.config.ProbeConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata-probe run}: collect every interval and publish until stopped. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Collect every interval and publish to Kafka until stopped (SIGTERM/Ctrl-C).")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @ParentCommand
    ProbeCli parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ProbeConfig config = options.load(parent.environment());
        config.kafkaClientProperties(); // fails early, naming the key, when the broker is not configured
        spec.commandLine().getErr().println("strata-probe run: not implemented yet");
        return ProbeCli.EXIT_USAGE;
    }
}
