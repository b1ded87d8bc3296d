package io.strata.producer.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.hardware.VirtualMemory;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.InternetProtocolStats.IPConnection;
import oshi.software.os.InternetProtocolStats.TcpState;
import oshi.software.os.InternetProtocolStats.TcpStats;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/**
 * Host metrics from one long-lived OSHI {@link SystemInfo}: CPU (from tick deltas between two collections, never the
 * blocking sampler), load, memory and swap, disks, file systems, network interfaces, processes and threads, TCP
 * connections by state, uptime.
 *
 * <p>Families (category / name, unit, kind):
 *
 * <ul>
 *   <li>{@code cpu}: {@code utilization} and {@code utilization_by_mode{mode}} (percent, gauge), {@code load_1m},
 *       {@code load_5m}, {@code load_15m} (gauge), {@code logical_processors} (gauge), {@code context_switches} and
 *       {@code interrupts} (counter)
 *   <li>{@code memory}: {@code total_bytes}, {@code available_bytes}, {@code used_bytes} (bytes), {@code used_percent},
 *       {@code swap_total_bytes}, {@code swap_used_bytes} (bytes), {@code swap_used_percent}; {@code swap_pages_in},
 *       {@code swap_pages_out} (pages, counter)
 *   <li>{@code disk{device}}: {@code read_bytes}, {@code write_bytes} (bytes, counter), {@code reads}, {@code writes}
 *       (operations, counter), {@code io_time_ms} (ms, counter), {@code queue_length} (gauge)
 *   <li>{@code filesystem{mount,device,type}}: {@code total_bytes}, {@code free_bytes}, {@code used_bytes} (bytes),
 *       {@code used_percent}, {@code inodes_total}, {@code inodes_free}, {@code inodes_used} (inodes)
 *   <li>{@code network{interface}}: {@code rx_bytes}, {@code tx_bytes} (bytes), {@code rx_packets}, {@code tx_packets}
 *       (packets), {@code rx_errors}, {@code tx_errors}, {@code rx_drops}, {@code tx_drops}, {@code collisions}
 *       (packets), all counters
 *   <li>{@code system}: {@code processes}, {@code threads} (gauge), {@code uptime_seconds} (seconds, gauge)
 *   <li>{@code tcp}: {@code connections{state}} (connections, gauge); {@code segments_sent},
 *       {@code segments_received}, {@code segments_retransmitted}, {@code active_opens}, {@code passive_opens},
 *       {@code connection_failures}, {@code connection_resets}, {@code in_errors} ({@code ip}=v4|v6, counter)
 * </ul>
 *
 * <p>Not thread-safe: one collecting thread.
 */
public final class HostMetricsCollector {

    private static final Logger LOG = LoggerFactory.getLogger(HostMetricsCollector.class);
    private static final String PERCENT = "percent";
    private static final String BYTES = "bytes";
    private static final String PACKETS = "packets";

    private final HardwareAbstractionLayer hardware;
    private final OperatingSystem os;
    private final CentralProcessor processor;
    private final Set<String> excludedFsTypes;
    private final Set<String> failing = new java.util.HashSet<>();
    private long[] previousTicks;

    /**
     * A collector over {@code systemInfo}; the CPU baseline is taken now, so the first collection reports the CPU
     * use since construction.
     *
     * @param excludedFsTypes file-system types not measured (lower case)
     */
    public HostMetricsCollector(SystemInfo systemInfo, Set<String> excludedFsTypes) {
        Objects.requireNonNull(systemInfo, "systemInfo");
        this.hardware = systemInfo.getHardware();
        this.os = systemInfo.getOperatingSystem();
        this.processor = hardware.getProcessor();
        this.excludedFsTypes = Set.copyOf(excludedFsTypes);
        this.previousTicks = processor.getSystemCpuLoadTicks();
    }

    /** Measures every family into {@code out}; a family that fails is logged and left out. */
    public void collect(Samples out) {
        Objects.requireNonNull(out, "out");
        guarded("cpu", () -> cpu(out));
        guarded("memory", () -> memory(out));
        guarded("disk", () -> disks(out));
        guarded("filesystem", () -> fileSystems(out));
        guarded("network", () -> network(out));
        guarded("system", () -> system(out));
        guarded("tcp", () -> tcp(out));
    }

    private void cpu(Samples out) {
        long[] ticks = processor.getSystemCpuLoadTicks();
        long[] delta = new long[ticks.length];
        long total = 0;
        for (int i = 0; i < ticks.length; i++) {
            delta[i] = Math.max(0, ticks[i] - previousTicks[i]);
            total += delta[i];
        }
        if (total == 0) {
            // Two collections within one clock tick: fall back to the average since boot rather than report nothing.
            delta = ticks.clone();
            total = 0;
            for (long tick : delta) {
                total += tick;
            }
        }
        previousTicks = ticks;
        if (total > 0) {
            Map<TickType, Double> share = new EnumMap<>(TickType.class);
            for (TickType type : TickType.values()) {
                share.put(type, 100.0 * delta[type.getIndex()] / total);
            }
            out.gauge("cpu", "utilization", PERCENT, 100.0 - share.get(TickType.IDLE) - share.get(TickType.IOWAIT));
            for (TickType type : TickType.values()) {
                out.gauge(
                        "cpu",
                        "utilization_by_mode",
                        PERCENT,
                        share.get(type),
                        "mode",
                        type.name().toLowerCase(Locale.ROOT));
            }
        }
        double[] load = processor.getSystemLoadAverage(3);
        if (load[0] >= 0) {
            out.gauge("cpu", "load_1m", null, load[0]);
            out.gauge("cpu", "load_5m", null, load[1]);
            out.gauge("cpu", "load_15m", null, load[2]);
        }
        out.gauge("cpu", "logical_processors", null, processor.getLogicalProcessorCount());
        out.counter("cpu", "context_switches", null, processor.getContextSwitches());
        out.counter("cpu", "interrupts", null, processor.getInterrupts());
    }

    private void memory(Samples out) {
        GlobalMemory memory = hardware.getMemory();
        long total = memory.getTotal();
        long available = memory.getAvailable();
        long used = total - available;
        out.gauge("memory", "total_bytes", BYTES, total);
        out.gauge("memory", "available_bytes", BYTES, available);
        out.gauge("memory", "used_bytes", BYTES, used);
        out.gauge("memory", "used_percent", PERCENT, percent(used, total));
        VirtualMemory swap = memory.getVirtualMemory();
        out.gauge("memory", "swap_total_bytes", BYTES, swap.getSwapTotal());
        out.gauge("memory", "swap_used_bytes", BYTES, swap.getSwapUsed());
        out.gauge("memory", "swap_used_percent", PERCENT, percent(swap.getSwapUsed(), swap.getSwapTotal()));
        out.counter("memory", "swap_pages_in", "pages", swap.getSwapPagesIn());
        out.counter("memory", "swap_pages_out", "pages", swap.getSwapPagesOut());
    }

    private void disks(Samples out) {
        // OSHI re-reads the disk list each call; the counters come with it.
        for (HWDiskStore disk : hardware.getDiskStores()) {
            String device = disk.getName();
            out.counter("disk", "read_bytes", BYTES, disk.getReadBytes(), "device", device);
            out.counter("disk", "write_bytes", BYTES, disk.getWriteBytes(), "device", device);
            out.counter("disk", "reads", "operations", disk.getReads(), "device", device);
            out.counter("disk", "writes", "operations", disk.getWrites(), "device", device);
            out.counter("disk", "io_time_ms", "ms", disk.getTransferTime(), "device", device);
            out.gauge("disk", "queue_length", null, disk.getCurrentQueueLength(), "device", device);
        }
    }

    private void fileSystems(Samples out) {
        for (OSFileStore store : os.getFileSystem().getFileStores(true)) {
            String type = store.getType() == null ? "" : store.getType().toLowerCase(Locale.ROOT);
            if (excludedFsTypes.contains(type) || store.getTotalSpace() <= 0) {
                continue;
            }
            String[] labels = {"mount", store.getMount(), "device", store.getVolume(), "type", type};
            long total = store.getTotalSpace();
            // Like df: "free" is what an unprivileged user may still use; "used" excludes the reserved blocks.
            long free = store.getUsableSpace();
            long used = total - store.getFreeSpace();
            out.gauge("filesystem", "total_bytes", BYTES, total, labels);
            out.gauge("filesystem", "free_bytes", BYTES, free, labels);
            out.gauge("filesystem", "used_bytes", BYTES, used, labels);
            out.gauge("filesystem", "used_percent", PERCENT, percent(used, used + free), labels);
            long inodes = store.getTotalInodes();
            if (inodes > 0) {
                long inodesFree = store.getFreeInodes();
                out.gauge("filesystem", "inodes_total", "inodes", inodes, labels);
                out.gauge("filesystem", "inodes_free", "inodes", inodesFree, labels);
                out.gauge("filesystem", "inodes_used", "inodes", inodes - inodesFree, labels);
            }
        }
    }

    private void network(Samples out) {
        for (NetworkIF nic : hardware.getNetworkIFs(true)) {
            String name = nic.getName();
            out.counter("network", "rx_bytes", BYTES, nic.getBytesRecv(), "interface", name);
            out.counter("network", "tx_bytes", BYTES, nic.getBytesSent(), "interface", name);
            out.counter("network", "rx_packets", PACKETS, nic.getPacketsRecv(), "interface", name);
            out.counter("network", "tx_packets", PACKETS, nic.getPacketsSent(), "interface", name);
            out.counter("network", "rx_errors", PACKETS, nic.getInErrors(), "interface", name);
            out.counter("network", "tx_errors", PACKETS, nic.getOutErrors(), "interface", name);
            out.counter("network", "rx_drops", PACKETS, nic.getInDrops(), "interface", name);
            txDrops(name).ifPresent(drops -> out.counter("network", "tx_drops", PACKETS, drops, "interface", name));
            out.counter("network", "collisions", PACKETS, nic.getCollisions(), "interface", name);
        }
    }

    /** OSHI has no transmit drops; Linux keeps them in sysfs. */
    private static java.util.OptionalLong txDrops(String interfaceName) {
        Path file = Path.of("/sys/class/net", interfaceName, "statistics", "tx_dropped");
        try {
            return java.util.OptionalLong.of(
                    Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }

    private void system(Samples out) {
        out.gauge("system", "processes", null, os.getProcessCount());
        out.gauge("system", "threads", null, os.getThreadCount());
        out.gauge("system", "uptime_seconds", "seconds", os.getSystemUptime());
    }

    private void tcp(Samples out) {
        InternetProtocolStats ip = os.getInternetProtocolStats();
        Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
        for (TcpState state : TcpState.values()) {
            if (state != TcpState.UNKNOWN && state != TcpState.NONE) {
                byState.put(state, 0);
            }
        }
        Optional<Map<TcpState, Integer>> fromProc = TcpStateCounts.read();
        if (fromProc.isPresent()) {
            fromProc.get().forEach((state, count) -> byState.merge(state, count, Integer::sum));
        } else {
            for (IPConnection connection : ip.getConnections()) {
                if (connection.getType().startsWith("tcp")) {
                    byState.merge(connection.getState(), 1, Integer::sum);
                }
            }
        }
        byState.remove(TcpState.UNKNOWN);
        byState.remove(TcpState.NONE);
        byState.forEach((state, count) -> out.gauge(
                "tcp",
                "connections",
                "connections",
                count,
                "state",
                state.name().toLowerCase(Locale.ROOT)));
        tcpStats(out, ip.getTCPv4Stats(), "v4");
        tcpStats(out, ip.getTCPv6Stats(), "v6");
    }

    private static void tcpStats(Samples out, TcpStats stats, String version) {
        out.counter("tcp", "segments_sent", "segments", stats.getSegmentsSent(), "ip", version);
        out.counter("tcp", "segments_received", "segments", stats.getSegmentsReceived(), "ip", version);
        out.counter("tcp", "segments_retransmitted", "segments", stats.getSegmentsRetransmitted(), "ip", version);
        out.counter("tcp", "active_opens", "connections", stats.getConnectionsActive(), "ip", version);
        out.counter("tcp", "passive_opens", "connections", stats.getConnectionsPassive(), "ip", version);
        out.counter("tcp", "connection_failures", "connections", stats.getConnectionFailures(), "ip", version);
        out.counter("tcp", "connection_resets", "connections", stats.getConnectionsReset(), "ip", version);
        out.counter("tcp", "in_errors", "segments", stats.getInErrors(), "ip", version);
    }

    private static double percent(long part, long whole) {
        return whole <= 0 ? 0.0 : 100.0 * part / whole;
    }

    /** Runs one family; a failure is logged when it starts and when it ends, not every round. */
    private void guarded(String family, Runnable collector) {
        try {
            collector.run();
            if (failing.remove(family)) {
                LOG.info("Collecting the {} metrics works again", family);
            }
        } catch (RuntimeException e) {
            if (failing.add(family)) {
                LOG.warn("Collecting the {} metrics failed; they are left out until it works again", family, e);
            }
        }
    }
}
