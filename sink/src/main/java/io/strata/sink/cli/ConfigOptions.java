package io.strata.sink.cli;

import io.strata.schemas.config.StrataConfig;
import io.strata.sink.app.SinkSettings;
import io.strata.sink.ingest.IngestSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every sink command shares; flags win over the file and the environment. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (.properties or .yaml).")
    Path configFile;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (kafka.bootstrap.servers).")
    String bootstrapServers;

    @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "Database to write (db.url).")
    String dbUrl;

    @Option(
            names = "-D",
            paramLabel = "KEY=VALUE",
            description = "Any configuration key, e.g. -D sink.concurrency=2 or -D kafka.security.protocol=SSL.")
    Map<String, String> properties = new LinkedHashMap<>();

    /** The configuration: defaults, then the file, the environment, -D values and the dedicated flags. */
    StrataConfig load(Map<String, String> environment) {
        Map<String, String> overrides = new LinkedHashMap<>(properties);
        if (bootstrapServers != null) {
            overrides.put(StrataConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (dbUrl != null) {
            overrides.put("db.url", dbUrl);
        }
        StrataConfig.Builder builder = StrataConfig.builder()
                .defaults(SinkSettings.DEFAULTS_RESOURCE)
                .defaults(IngestSettings.DEFAULTS_RESOURCE)
                .environment(environment)
                .overrides(overrides);
        if (configFile != null) {
            builder.file(configFile);
        }
        return builder.build();
    }
}
