package io.strata.sink;

import io.strata.sink.cli.SinkCli;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of {@code strata-sink}: consumes {@code strata.metrics.raw}, {@code strata.metrics.hourly}, {@code
 * strata.metrics.daily}, {@code strata.inventory}, {@code strata.pgstate} and {@code strata.changes} into PostgreSQL
 * (bad records to {@code strata.deadletter}).
 *
 * <pre>
 * java -jar strata-sink.jar [run] --bootstrap-servers HOST:9092 --db-url jdbc:postgresql://HOST/strata
 * java -jar strata-sink.jar migrate | maintain | snapshot --name N --type verified | verify --name N
 * </pre>
 */
public final class SinkMain {
    private SinkMain() {}

    public static void main(String[] args) {
        System.exit(SinkCli.execute(
                args,
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                System.getenv()));
    }
}
