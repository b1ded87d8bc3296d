package io.strata.producer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.strata.producer.collect.AvroTree;
import io.strata.producer.config.ProbeConfig;
import io.strata.producer.run.ProbeCollectors;
import io.strata.producer.telemetry.SelfTelemetry;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresState;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata-probe once}: collects one round (metrics and inventory) and prints it as JSON on stdout; sends
 * nothing, writes nothing (like {@code telegraf --test}).
 */
@Command(
        name = "once",
        mixinStandardHelpOptions = true,
        description = "Collect one round and print it as JSON on stdout; nothing is sent.")
final class OnceCommand implements Callable<Integer> {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Mixin
    ConfigOptions options;

    @ParentCommand
    ProbeCli parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProbeConfig config = options.load(parent.environment());
        Map<String, Object> round = collect(config);
        spec.commandLine().getOut().println(JSON.writeValueAsString(round));
        return 0;
    }

    /**
     * One round as a JSON-ready tree: {@code {"metrics": MetricBatch, "inventory": NodeInventory, "postgres":
     * [PostgresState...]}}.
     */
    static Map<String, Object> collect(ProbeConfig config) {
        try (ProbeCollectors collectors = new ProbeCollectors(config, Clock.systemUTC(), new SelfTelemetry(), null)) {
            MetricBatch batch = collectors.collectMetrics(0, null);
            List<PostgresState> states = collectors.collectPostgresStates();
            NodeInventory inventory = collectors.collectInventory();
            Map<String, Object> round = new LinkedHashMap<>();
            round.put("metrics", AvroTree.of(batch));
            round.put("inventory", AvroTree.of(inventory));
            round.put("postgres", AvroTree.of(states));
            return round;
        }
    }
}
