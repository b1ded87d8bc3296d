package io.strata.schemas.simulate;

import io.strata.schemas.avro.DocumentationFile;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeNetworkInterface;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.avro.NodeSoftware;
import io.strata.schemas.avro.SystemNode;
import io.strata.schemas.hash.ContentHash;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fleet of simulated nodes whose every value is a pure function of (seed, node, series, tick): no state, no clock, no
 * randomness outside the seed. The load generator publishes it; tests and benchmarks recompute from it what the
 * pipeline must have stored.
 *
 * <p>Values are integers or multiples of 1/4, so sums are exact in {@code double} whatever order they are added in: a
 * rollup computed by Streams, a SQL {@code sum()} and a recomputation here agree to the last bit. Gauges wander
 * between bounds; counters increase at a per-series rate and reset to zero every few thousand ticks (a process
 * restart), which exercises the reset-aware increase.
 *
 * <p>Ticks are aligned to the interval: tick {@code k} is at {@code k * interval} milliseconds since the epoch.
 *
 * <pre>{@code
 * SimulatedFleet fleet = SimulatedFleet.of(42, 20, 50, Duration.ofSeconds(10));
 * MetricBatch batch = fleet.batch(3, fleet.alignedTick(Instant.now()), 1);
 * }</pre>
 */
public final class SimulatedFleet {

    /** What each series of a node is, cycling through these templates. */
    private static final List<Template> TEMPLATES = List.of(
            new Template("cpu", "utilization_percent", "core", "percent", MetricKind.GAUGE, 0, 100),
            new Template("memory", "used_percent", "pool", "percent", MetricKind.GAUGE, 5, 95),
            new Template("disk", "read_bytes", "device", "bytes", MetricKind.COUNTER, 4_096, 1_048_576),
            new Template("network", "rx_bytes", "interface", "bytes", MetricKind.COUNTER, 1_024, 262_144),
            new Template("load", "load_1m", "window", "count", MetricKind.GAUGE, 0, 16),
            new Template("filesystem", "used_bytes", "mount", "bytes", MetricKind.GAUGE, 1 << 20, 1 << 30),
            new Template("postgresql", "xact_commit", "database", "count", MetricKind.COUNTER, 1, 500),
            new Template("process", "threads", "group", "count", MetricKind.GAUGE, 10, 2_000));

    private final long seed;
    private final int nodes;
    private final int metricsPerNode;
    private final Duration interval;
    private final long intervalMs;

    private SimulatedFleet(long seed, int nodes, int metricsPerNode, Duration interval) {
        this.seed = seed;
        this.nodes = nodes;
        this.metricsPerNode = metricsPerNode;
        this.interval = interval;
        this.intervalMs = interval.toMillis();
    }

    /**
     * A fleet of {@code nodes} nodes with {@code metricsPerNode} series each, sampled every {@code interval}.
     *
     * @throws IllegalArgumentException if a count is not positive or the interval is under a millisecond
     */
    public static SimulatedFleet of(long seed, int nodes, int metricsPerNode, Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be >= 1, got " + nodes);
        }
        if (metricsPerNode < 1) {
            throw new IllegalArgumentException("metricsPerNode must be >= 1, got " + metricsPerNode);
        }
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("interval must be at least 1ms, got " + interval);
        }
        return new SimulatedFleet(seed, nodes, metricsPerNode, interval);
    }

    public long seed() {
        return seed;
    }

    public int nodeCount() {
        return nodes;
    }

    public int metricsPerNode() {
        return metricsPerNode;
    }

    public Duration interval() {
        return interval;
    }

    /** The stable node id (the Kafka key) of node {@code node}, e.g. {@code sim-00042-0003}. */
    public String nodeId(int node) {
        checkNode(node);
        return String.format("sim-%05d-%04d", Math.floorMod(seed, 100_000), node);
    }

    /** The node's name (its {@code system_nodes.node_name}). */
    public String nodeName(int node) {
        return nodeId(node) + ".sim.strata.local";
    }

    /** The identity of series {@code series} of node {@code node}. */
    public SeriesSpec series(int node, int series) {
        checkNode(node);
        checkSeries(series);
        Template template = TEMPLATES.get(series % TEMPLATES.size());
        String instance = template.labelKey.substring(0, 1) + (series / TEMPLATES.size());
        return new SeriesSpec(
                template.category, template.name, Map.of(template.labelKey, instance), template.unit, template.kind);
    }

    /** The tick at or before {@code time}: a multiple of the interval since the epoch. */
    public Instant alignedTick(Instant time) {
        return Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), intervalMs) * intervalMs);
    }

    /** The number of ticks in {@code [from, to)} once both are aligned down to ticks. */
    public long tickCount(Instant from, Instant to) {
        long first = Math.floorDiv(from.toEpochMilli(), intervalMs);
        long end = Math.floorDiv(to.toEpochMilli(), intervalMs);
        return Math.max(0, end - first);
    }

    /**
     * The value of series {@code series} of node {@code node} at the tick that contains {@code time}.
     *
     * <p>Gauges: a value between the template's bounds, a multiple of 1/4. Counters: whole numbers increasing by at
     * least the series' rate each tick, back to a small value every few thousand ticks (a reset).
     */
    public double value(int node, int series, Instant time) {
        checkNode(node);
        checkSeries(series);
        Template template = TEMPLATES.get(series % TEMPLATES.size());
        long tick = Math.floorDiv(time.toEpochMilli(), intervalMs);
        long seriesHash = mix(seed, node, series, 0x5E51E5L);
        if (template.kind == MetricKind.COUNTER) {
            long rate = template.low + Math.floorMod(seriesHash, template.high - template.low + 1);
            long resetPeriod = 2_000 + Math.floorMod(seriesHash >>> 17, 6_000);
            long phase = Math.floorMod(tick + Math.floorMod(seriesHash >>> 7, resetPeriod), resetPeriod);
            // rate * phase + noise with noise in [0, rate): strictly increasing within a reset period.
            long noise = Math.floorMod(mix(seed, node, series, tick), rate);
            return (double) (rate * phase + noise);
        }
        long span = (template.high - template.low) * 4L;
        // A slow triangle wave (one period a day at 10 s ticks) plus noise, in quarters, folded into the bounds.
        long period = 8_640;
        long position = Math.floorMod(tick + seriesHash, period);
        long triangle = position < period / 2 ? position : period - position;
        long wave = triangle * span / (period / 2) / 2;
        long noise = Math.floorMod(mix(seed, node, series, tick), Math.max(1, span / 2));
        long quarters = Math.floorMod(wave + noise, span + 1);
        return template.low + quarters / 4.0;
    }

    /** One collection tick of one node: every series at {@code tick}, with the given batch sequence number. */
    public MetricBatch batch(int node, Instant tick, long sequence) {
        Instant at = alignedTick(tick);
        List<MetricSample> samples = new ArrayList<>(metricsPerNode);
        for (int series = 0; series < metricsPerNode; series++) {
            SeriesSpec spec = series(node, series);
            samples.add(MetricSample.newBuilder()
                    .setCategory(spec.category())
                    .setName(spec.name())
                    .setLabels(spec.labels())
                    .setValue(value(node, series, at))
                    .setUnit(spec.unit())
                    .setKind(spec.kind())
                    .setTimestamp(at)
                    .build());
        }
        return MetricBatch.newBuilder()
                .setNodeId(nodeId(node))
                .setNodeName(nodeName(node))
                .setCollectedAt(at)
                .setSequence(sequence)
                .setIntervalMs(intervalMs)
                .setSamples(samples)
                .build();
    }

    /** The node's inventory: stable hardware, two interfaces, a few packages and services, with its content hash. */
    public NodeInventory inventory(int node) {
        checkNode(node);
        long hash = mix(seed, node, -1, 0x1A7E);
        int cores = 2 << Math.floorMod(hash, 5);
        SystemNode system = SystemNode.newBuilder()
                .setNodeName(nodeName(node))
                .setNodeRole(node == 0 ? "primary" : "replica")
                .setModelName("Strata Simulated Server")
                .setModelIdentifier("SIM-" + Math.floorMod(hash >>> 3, 10))
                .setSerialNumber(String.format("SIM%012d", Math.floorMod(hash, 1_000_000_000_000L)))
                .setHardwareUuid(new java.util.UUID(seed, node).toString())
                .setCpuModel("Simulated CPU @ 3.0GHz")
                .setCpuArchitecture("x86_64")
                .setCpuCoresTotal(cores)
                .setRamGb((double) (cores * 4))
                .setStorageInternalTb(1.0 + Math.floorMod(hash >>> 9, 8))
                .setOsName("Debian GNU/Linux")
                .setOsVersion("12")
                .setOsBuild("bookworm")
                .setKernelVersion("6.1.0-sim")
                .setStatus("active")
                .build();
        int octet = Math.floorMod(node, 250) + 2;
        int subnet = Math.floorMod(node / 250, 250);
        List<NodeNetworkInterface> interfaces = List.of(
                NodeNetworkInterface.newBuilder()
                        .setInterfaceName("eth0")
                        .setInterfaceType("ethernet")
                        .setMacAddress(String.format("02:00:00:%02x:%02x:%02x", subnet, octet, 0))
                        .setIpv4Address("10.99." + subnet + "." + octet)
                        .setIpv4Netmask("255.255.255.0")
                        .setIpv4Gateway("10.99." + subnet + ".1")
                        .setConnectionSpeedMbps(10_000L)
                        .setIsPrimary(true)
                        .setIsActive(true)
                        .build(),
                NodeNetworkInterface.newBuilder()
                        .setInterfaceName("lo")
                        .setInterfaceType("loopback")
                        .setIpv4Address("127.0.0.1")
                        .setIpv4Netmask("255.0.0.0")
                        .setIsPrimary(false)
                        .setIsActive(true)
                        .build());
        List<NodeSoftware> software = List.of(
                software("linux-kernel", "6.1.0-sim"), software("openjdk", "17.0.15"), software("postgresql", "18.1"));
        List<NodeService> services = List.of(
                NodeService.newBuilder()
                        .setServiceName("postgres")
                        .setServiceType("database")
                        .setProcessId(1000 + node)
                        .setPort(5432)
                        .setBindAddress("0.0.0.0")
                        .setExecutablePath("/usr/lib/postgresql/18/bin/postgres")
                        .setStatus("running")
                        .build(),
                NodeService.newBuilder()
                        .setServiceName("sshd")
                        .setServiceType("remote-access")
                        .setProcessId(500 + node)
                        .setPort(22)
                        .setBindAddress("0.0.0.0")
                        .setExecutablePath("/usr/sbin/sshd")
                        .setStatus("running")
                        .build());
        List<DocumentationFile> files = List.of();
        NodeInventory inventory = NodeInventory.newBuilder()
                .setNodeId(nodeId(node))
                .setCollectedAt(Instant.EPOCH)
                .setContentHash("")
                .setNode(system)
                .setInterfaces(interfaces)
                .setSoftware(software)
                .setServices(services)
                .setDocumentationFiles(files)
                .build();
        inventory.setContentHash(ContentHash.of(inventory));
        return inventory;
    }

    private static NodeSoftware software(String name, String version) {
        return NodeSoftware.newBuilder()
                .setSoftwareName(name)
                .setSoftwareVersion(version)
                .setIsActive(true)
                .build();
    }

    private void checkNode(int node) {
        if (node < 0 || node >= nodes) {
            throw new IllegalArgumentException("node must be in [0, " + nodes + "), got " + node);
        }
    }

    private void checkSeries(int series) {
        if (series < 0 || series >= metricsPerNode) {
            throw new IllegalArgumentException("series must be in [0, " + metricsPerNode + "), got " + series);
        }
    }

    /** SplitMix64-style mixing of the inputs: fast, well spread, identical on every JVM. */
    private static long mix(long seed, long node, long series, long tick) {
        long z = seed * 0x9E3779B97F4A7C15L + node * 0xBF58476D1CE4E5B9L + series * 0x94D049BB133111EBL + tick;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }

    private record Template(
            String category, String name, String labelKey, String unit, MetricKind kind, long low, long high) {}
}
