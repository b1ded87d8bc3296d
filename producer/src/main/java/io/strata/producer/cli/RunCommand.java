package io.strata.producer.cli;

import io.strata.producer.config.ProbeConfig;
import io.strata.producer.run.ProbeRunner;
import io.strata.schemas.config.StartupChecks;
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

    /** Key: how long {@code run} waits for the broker to answer at start; 0 = no check (spool from the start). */
    static final String STARTUP_TIMEOUT_KEY = "probe.startup.timeout";

    @Mixin
    ConfigOptions options;

    @ParentCommand
    ProbeCli parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ProbeConfig config = options.load(parent.environment());
        // A broker never reached is a wrong address, not an outage to spool through: fail naming the key.
        StartupChecks.kafka(config.source(), STARTUP_TIMEOUT_KEY);
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
