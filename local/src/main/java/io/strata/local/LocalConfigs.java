package io.strata.local;

import io.strata.producer.config.ProbeConfig;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.sink.app.SinkSettings;
import io.strata.sink.ingest.IngestSettings;
import io.strata.streams.StreamsApp;
import io.strata.streams.rollup.RollupSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration of each app in a local run: its own defaults, what the local mode sets (the embedded broker and
 * database, ports, directories under the data directory), then the user's {@code -D} values, which win. {@code
 * STRATA_*} environment variables are ignored: a local run must not pick up a production cluster's settings.
 */
final class LocalConfigs {

    private final LocalOptions options;
    private final String bootstrapServers;
    private final String jdbcUrl;

    LocalConfigs(LocalOptions options, String bootstrapServers, String jdbcUrl) {
        this.options = options;
        this.bootstrapServers = bootstrapServers;
        this.jdbcUrl = jdbcUrl;
    }

    /**
     * Reads every app's settings with placeholder endpoints, so a bad {@code -D} value fails before anything starts.
     *
     * @throws io.strata.schemas.config.ConfigException naming the key and value at fault
     */
    static void validate(LocalOptions options) {
        LocalConfigs configs = new LocalConfigs(
                options, "127.0.0.1:9092", "jdbc:postgresql://localhost:5432/" + LocalDatabase.DATABASE);
        TopicCatalog.from(configs.base());
        SinkSettings.from(configs.sink());
        IngestSettings.from(configs.sink());
        RollupSettings.from(configs.streams());
        ProbeConfig.from(configs.probe());
    }

    StrataConfig base() {
        return build(Map.of());
    }

    StrataConfig sink() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("db.url", jdbcUrl);
        values.put("db.user", LocalDatabase.SINK_USER);
        values.put("db.migrate-on-start", "false"); // done already, as the owner
        values.put("sink.http.host", "127.0.0.1");
        values.put("sink.http.port", "0");
        // A local run is explored right after its backfill: the summary view should follow within seconds, and
        // refreshing a local-sized database is cheap.
        values.put(SinkSettings.SUMMARY_REFRESH_INTERVAL_KEY, "30s");
        // After a kill, the dead consumer's partitions wait for its session to expire: keep that short.
        values.put("kafka.session.timeout.ms", "6000");
        values.put("kafka.heartbeat.interval.ms", "1500");
        return build(values, SinkSettings.DEFAULTS_RESOURCE, IngestSettings.DEFAULTS_RESOURCE);
    }

    StrataConfig streams() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka.state.dir", dir("streams").toString());
        values.put("kafka.num.standby.replicas", "0");
        // Kafka Streams does not leave its group on close, so a restart waits for the old member's session to
        // expire before it gets its tasks: keep that short (the broker's minimum is 6 s).
        values.put("kafka.session.timeout.ms", "6000");
        values.put("kafka.heartbeat.interval.ms", "1500");
        // A rebalance waits up to max.poll.interval.ms (5 min by default) for every member the group knows to
        // rejoin; after a SIGKILL the restarted broker may still list the dead one: bound that wait.
        values.put("kafka.max.poll.interval.ms", "30000");
        values.put(StreamsApp.HTTP_HOST_KEY, "127.0.0.1");
        values.put(StreamsApp.HTTP_PORT_KEY, "0");
        return build(values, StreamsApp.DEFAULTS);
    }

    StrataConfig probe() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("probe.spool-dir", dir("probe").toString());
        values.put("probe.http.host", "127.0.0.1");
        values.put("probe.http.port", "0");
        // The probe also watches the local PostgreSQL, so the configuration and replication views have rows.
        values.put(ProbeConfig.POSTGRES_PREFIX + "local.url", jdbcUrl);
        values.put(ProbeConfig.POSTGRES_PREFIX + "local.user", "postgres");
        return build(values, ProbeConfig.DEFAULTS);
    }

    private Path dir(String name) {
        return options.dataDir().resolve(name);
    }

    private StrataConfig build(Map<String, String> local, String... defaults) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(StrataConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        values.put(TopicCatalog.PARTITIONS_KEY, Integer.toString(options.partitions()));
        values.putAll(local);
        values.putAll(options.overrides());
        StrataConfig.Builder builder = StrataConfig.builder().environment(Map.of());
        for (String resource : defaults) {
            builder.defaults(resource);
        }
        return builder.overrides(values).build();
    }
}
