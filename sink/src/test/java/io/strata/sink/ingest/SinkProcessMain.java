package io.strata.sink.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A sink in its own JVM, for {@link ExactlyOnceProcessIT}: {@code SinkProcessMain <bootstrap> <jdbcUrl> <user>
 * <prefix> <maxPollRecords>}. Runs until killed.
 */
public final class SinkProcessMain {

    private SinkProcessMain() {}

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(args[1]);
        dataSource.setUser(args[2]);
        String prefix = args[3];
        IngestSettings settings = new IngestSettings(
                // A killed member holds its partitions until its session expires: keep that short.
                Map.of("bootstrap.servers", bootstrap, "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"),
                prefix + "-sink",
                1,
                Integer.parseInt(args[4]),
                Duration.ofMillis(200),
                prefix + ".deadletter",
                prefix + ".metrics.raw",
                prefix + ".metrics.hourly",
                prefix + ".metrics.daily",
                ValidationRules.defaults(),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                1);
        SinkIngest sink = SinkIngest.create(settings, dataSource, List.of(), PartitionPreparer.usingDatabaseFunction());
        sink.start();
        System.out.println("SINK STARTED");
        new CountDownLatch(1).await();
    }
}
