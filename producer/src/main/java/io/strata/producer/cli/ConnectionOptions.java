package io.strata.producer.cli;

import io.strata.schemas.config.StrataConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration file, the broker and any key by {@code -D}: what every command that talks to Kafka needs. */
final class ConnectionOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Configuration file (.properties or .yaml); environment STRATA_* and flags win over it.")
    Path configFile;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (kafka.bootstrap.servers).")
    String bootstrapServers;

    @Option(
            names = "-D",
            paramLabel = "KEY=VALUE",
            description =
                    "Any configuration key, e.g. -D kafka.security.protocol=SASL_SSL (kafka.* passes to the client).")
    Map<String, String> properties = new LinkedHashMap<>();

    /** The -D values, with --bootstrap-servers winning. */
    Map<String, String> overrides() {
        Map<String, String> result = new LinkedHashMap<>(properties);
        ConfigOptions.put(result, StrataConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        return result;
    }
}
