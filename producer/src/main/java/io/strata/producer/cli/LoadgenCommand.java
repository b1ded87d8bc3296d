package io.strata.producer.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code strata-probe loadgen}: simulated nodes with deterministic values (not implemented yet). */
@Command(
        name = "loadgen",
        mixinStandardHelpOptions = true,
        description = "Simulate N nodes with M series each and publish them (not implemented yet).")
final class LoadgenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Unmatched
    String[] ignored;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("strata-probe loadgen: not implemented yet");
        return ProbeCli.EXIT_USAGE;
    }
}
