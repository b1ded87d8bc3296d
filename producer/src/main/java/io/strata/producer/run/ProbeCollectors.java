package io.strata.producer.run;

import io.strata.producer.collect.HostMetricsCollector;
import io.strata.producer.collect.InventoryCollector;
import io.strata.producer.collect.NodeIdentity;
import io.strata.producer.collect.Samples;
import io.strata.producer.config.ProbeConfig;
import io.strata.producer.postgres.PostgresCollector;
import io.strata.producer.telemetry.SelfTelemetry;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeSoftware;
import io.strata.schemas.avro.PostgresState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Every collector of one node over one long-lived OSHI {@link SystemInfo}: a metrics round becomes one
 * {@link MetricBatch} (host metrics plus the probe's own {@code strata.probe} samples), and the inventory one
 * {@link NodeInventory}. Not thread-safe: one collecting thread.
 */
public final class ProbeCollectors implements AutoCloseable {

    private final ProbeConfig config;
    private final Clock clock;
    private final SelfTelemetry telemetry;
    private final OperatingSystem os;
    private final String nodeId;
    private final HostMetricsCollector host;
    private final InventoryCollector inventory;
    private final List<PostgresCollector> postgres;

    /**
     * Collectors for the node {@code config} describes.
     *
     * @param stateDir where a generated node id is kept when the hardware has none; null to not keep it
     */
    public ProbeCollectors(ProbeConfig config, Clock clock, SelfTelemetry telemetry, Path stateDir) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        SystemInfo systemInfo = new SystemInfo();
        this.os = systemInfo.getOperatingSystem();
        this.nodeId = NodeIdentity.resolveNodeId(
                config.configuredNodeId().orElse(null), systemInfo.getHardware().getComputerSystem(), stateDir);
        this.host = new HostMetricsCollector(systemInfo, config.filesystemExcludeTypes());
        this.inventory = new InventoryCollector(
                systemInfo, nodeId, config.nodeName(), config.nodeRole(), config.watchFiles(), clock);
        this.postgres = config.postgres().stream().map(PostgresCollector::new).toList();
    }

    /** The node id: the Kafka key of everything this node sends. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * One metrics round.
     *
     * @param sequence the batch's per-node sequence number
     * @param intervalMs the collection interval, or null for a one-off round
     */
    public MetricBatch collectMetrics(long sequence, Long intervalMs) {
        Instant now = clock.instant();
        long started = System.nanoTime();
        Samples samples = new Samples(now);
        host.collect(samples);
        for (PostgresCollector instance : postgres) {
            instance.collectMetrics(samples);
        }
        telemetry.collectionTook(System.nanoTime() - started);
        telemetry.addTo(samples);
        OSProcess self = os.getCurrentProcess();
        if (self != null) {
            samples.gauge(SelfTelemetry.CATEGORY, "resident_memory_bytes", "bytes", self.getResidentMemory());
            samples.counter(SelfTelemetry.CATEGORY, "cpu_time_ms", "ms", self.getKernelTime() + self.getUserTime());
        }
        return new MetricBatch(nodeId, config.nodeName(), now, sequence, intervalMs, new ArrayList<>(samples.toList()));
    }

    /** The inventory now, with the server versions of the watched PostgreSQL instances as software. */
    public NodeInventory collectInventory() {
        List<NodeSoftware> servers = new ArrayList<>();
        for (PostgresCollector instance : postgres) {
            instance.software().ifPresent(servers::add);
        }
        return inventory.collect(servers);
    }

    /** The state of every watched PostgreSQL instance that answers. */
    public List<PostgresState> collectPostgresStates() {
        Instant now = clock.instant();
        List<PostgresState> states = new ArrayList<>();
        for (PostgresCollector instance : postgres) {
            instance.collectState(nodeId, now).ifPresent(states::add);
        }
        return states;
    }

    /** Closes the database connections. */
    @Override
    public void close() {
        postgres.forEach(PostgresCollector::close);
    }
}
