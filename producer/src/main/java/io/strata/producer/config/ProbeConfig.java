package io.strata.producer.config;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration of {@code strata-probe}: every {@code probe.*} key resolved and validated, plus the
 * {@code kafka.*} client properties of the source.
 *
 * @param nodeId the configured node id, or null to derive it from the hardware ({@link #configuredNodeId()})
 * @param nodeName the node name ({@code probe.node-name}, default this host's name)
 * @param nodeRole the node role ({@code probe.node-role})
 * @param interval how often host metrics are collected
 * @param inventoryInterval how often the inventory is collected (and sent if it changed)
 * @param inventoryHeartbeat the longest time an unchanged inventory goes unsent
 * @param filesystemExcludeTypes file-system types not measured
 * @param watchFiles files whose size and SHA-256 go into the inventory
 * @param spoolDir the spool directory (also holds the sequence number)
 * @param spoolMaxBytes the spool's bound on disk
 * @param spoolSegmentBytes the size at which a spool segment is closed
 * @param spoolFsync when the spool forces writes to disk
 * @param spoolFsyncInterval the fsync period of {@link FsyncPolicy#INTERVAL}
 * @param sendTimeout how long a send may take before it is retried
 * @param metricsTopic the topic of {@code MetricBatch}es
 * @param inventoryTopic the topic of {@code NodeInventory}s
 * @param pgstateTopic the topic of {@code PostgresState}s
 * @param httpHost the address the health and metrics endpoint binds
 * @param httpPort the port of the health and metrics endpoint: 0 any, -1 off
 * @param postgres the PostgreSQL instances to watch
 * @param source the configuration this was read from (for the Kafka client properties)
 */
public record ProbeConfig(
        String nodeId,
        String nodeName,
        String nodeRole,
        Duration interval,
        Duration inventoryInterval,
        Duration inventoryHeartbeat,
        Set<String> filesystemExcludeTypes,
        List<Path> watchFiles,
        Path spoolDir,
        long spoolMaxBytes,
        long spoolSegmentBytes,
        FsyncPolicy spoolFsync,
        Duration spoolFsyncInterval,
        Duration sendTimeout,
        String metricsTopic,
        String inventoryTopic,
        String pgstateTopic,
        String httpHost,
        int httpPort,
        List<PostgresTarget> postgres,
        StrataConfig source) {

    /** The classpath resource with the probe's defaults. */
    public static final String DEFAULTS = "io/strata/producer/probe-defaults.properties";

    /** Prefix of the PostgreSQL collector keys: {@code probe.postgres.<name>.url} etc. */
    public static final String POSTGRES_PREFIX = "probe.postgres.";

    /** The smallest accepted collection interval. */
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    /** Validates and copies. */
    public ProbeConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(nodeRole, "nodeRole");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(inventoryInterval, "inventoryInterval");
        Objects.requireNonNull(inventoryHeartbeat, "inventoryHeartbeat");
        filesystemExcludeTypes = Set.copyOf(filesystemExcludeTypes);
        watchFiles = List.copyOf(watchFiles);
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(spoolFsync, "spoolFsync");
        Objects.requireNonNull(spoolFsyncInterval, "spoolFsyncInterval");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        Objects.requireNonNull(metricsTopic, "metricsTopic");
        Objects.requireNonNull(inventoryTopic, "inventoryTopic");
        Objects.requireNonNull(pgstateTopic, "pgstateTopic");
        Objects.requireNonNull(httpHost, "httpHost");
        postgres = List.copyOf(postgres);
        Objects.requireNonNull(source, "source");
    }

    /**
     * Reads the sources: the probe's defaults, the file (if any), the environment and the overrides.
     *
     * @param file the {@code --config} file, or null
     * @param environment the environment ({@code STRATA_*} variables)
     * @param overrides command-line values, winning over everything
     * @throws ConfigException naming the key and value at fault
     */
    public static ProbeConfig load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        StrataConfig.Builder builder = StrataConfig.builder()
                .defaults(DEFAULTS)
                .environment(environment)
                .overrides(overrides);
        if (file != null) {
            builder.file(file);
        }
        return from(builder.build());
    }

    /**
     * Validates a configuration already read.
     *
     * @throws ConfigException naming the key and value at fault
     */
    public static ProbeConfig from(StrataConfig config) {
        Objects.requireNonNull(config, "config");
        Duration interval = config.getDuration("probe.interval");
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw config.invalid("probe.interval", "a duration of at least 100ms");
        }
        long maxBytes = size(config, "probe.spool.max-bytes");
        long segmentBytes = size(config, "probe.spool.segment-bytes");
        if (segmentBytes > maxBytes) {
            throw config.invalid("probe.spool.segment-bytes", "at most probe.spool.max-bytes (" + maxBytes + " bytes)");
        }
        FsyncPolicy fsync = FsyncPolicy.parse(config.getString("probe.spool.fsync"))
                .orElseThrow(() -> config.invalid("probe.spool.fsync", "always, interval or never"));
        int httpPort = config.getInt("probe.http.port");
        if (httpPort < -1 || httpPort > 65535) {
            throw config.invalid("probe.http.port", "a port from 0 to 65535, or -1 for off");
        }
        String role = config.getString("probe.node-role").strip();
        Set<String> excluded = new TreeSet<>();
        config.getList("probe.filesystem.exclude-types").forEach(t -> excluded.add(t.toLowerCase(Locale.ROOT)));
        return new ProbeConfig(
                config.find("probe.node-id").map(String::strip).orElse(null),
                config.find("probe.node-name").map(String::strip).orElseGet(ProbeConfig::hostName),
                role,
                interval,
                config.getDuration("probe.inventory-interval"),
                config.getDuration("probe.inventory-heartbeat"),
                excluded,
                paths(config, "probe.watch-files"),
                config.has("probe.spool-dir")
                        ? config.getPath("probe.spool-dir")
                        : Path.of(System.getProperty("user.home"), ".strata-probe", "spool"),
                maxBytes,
                segmentBytes,
                fsync,
                config.getDuration("probe.spool.fsync-interval"),
                config.getDuration("probe.send.timeout"),
                config.getString("probe.topics.metrics"),
                config.getString("probe.topics.inventory"),
                config.getString("probe.topics.pgstate"),
                config.getString("probe.http.host"),
                httpPort,
                postgresTargets(config),
                config);
    }

    /** The node id set in the configuration, if any; otherwise the probe derives one from the hardware. */
    public Optional<String> configuredNodeId() {
        return Optional.ofNullable(nodeId);
    }

    /**
     * The Kafka producer properties from the {@code kafka.*} keys.
     *
     * @throws ConfigException if {@code kafka.bootstrap.servers} is not set
     */
    public Map<String, Object> kafkaClientProperties() {
        return source.kafkaClientProperties();
    }

    /** This host's name: the kernel's, else what the resolver says, else "localhost". */
    static String hostName() {
        Path kernel = Path.of("/proc/sys/kernel/hostname");
        try {
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        } catch (IOException e) {
            // fall through to the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static long size(StrataConfig config, String key) {
        long bytes;
        try {
            bytes = ByteSizes.parse(config.getString(key));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw config.invalid(key, "a size like 1048576, 512KiB, 256MiB or 1GiB");
        }
        if (bytes <= 0) {
            throw config.invalid(key, "a positive size");
        }
        return bytes;
    }

    private static List<Path> paths(StrataConfig config, String key) {
        List<Path> result = new ArrayList<>();
        for (String item : config.getList(key)) {
            try {
                result.add(Path.of(item));
            } catch (RuntimeException e) {
                throw config.invalid(key, "a comma-separated list of file paths");
            }
        }
        return result;
    }

    private static List<PostgresTarget> postgresTargets(StrataConfig config) {
        Set<String> names = new TreeSet<>();
        for (String rest : config.withPrefix(POSTGRES_PREFIX).keySet()) {
            int dot = rest.indexOf('.');
            names.add(dot < 0 ? rest : rest.substring(0, dot));
        }
        List<PostgresTarget> targets = new ArrayList<>();
        for (String name : names) {
            String prefix = POSTGRES_PREFIX + name + ".";
            String urlKey = prefix + "url";
            String url = config.getString(urlKey);
            if (!url.startsWith("jdbc:postgresql:")) {
                throw config.invalid(urlKey, "a JDBC URL starting with jdbc:postgresql:");
            }
            targets.add(new PostgresTarget(
                    name,
                    url,
                    config.find(prefix + "user").orElse(null),
                    config.find(prefix + "password").orElse(null),
                    config.getList(prefix + "databases")));
        }
        return targets;
    }
}
