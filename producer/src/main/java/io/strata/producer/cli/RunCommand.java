package io.strata.producer.cli;

import io.strata.producer.config.ProbeConfig;
import io.strata.producer.run.ProbeRunner;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
    public Integer call() throws InterruptedException {
        ProbeConfig config = options.load(parent.environment());
        ProbeRunner runner = ProbeRunner.start(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            runner.close();
                            stopped.countDown();
                        },
                        "strata-probe-shutdown"));
        stopped.await();
        return 0;
    }
}
