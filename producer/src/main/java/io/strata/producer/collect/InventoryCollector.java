package io.strata.producer.collect;

import io.strata.schemas.avro.DocumentationFile;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeNetworkInterface;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.avro.NodeSoftware;
import io.strata.schemas.avro.SystemNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.ComputerSystem;
import oshi.hardware.GraphicsCard;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.ApplicationInfo;
import oshi.software.os.InternetProtocolStats.IPConnection;
import oshi.software.os.InternetProtocolStats.TcpState;
import oshi.software.os.NetworkParams;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * The node inventory ({@link NodeInventory}) from one long-lived OSHI {@link SystemInfo}: the {@code system_nodes}
 * fields, network interfaces (the primary one carries the default route), installed software (OSHI's installed
 * applications, the JVM and the kernel), services (processes listening on TCP ports) and watched files (size and
 * SHA-256), with a content hash ({@link #contentHash(NodeInventory)}) that changes only when the content does.
 */
public final class InventoryCollector {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryCollector.class);
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final HardwareAbstractionLayer hardware;
    private final OperatingSystem os;
    private final String nodeId;
    private final String nodeName;
    private final String nodeRole;
    private final List<Path> watchFiles;
    private final Clock clock;

    /**
     * A collector for one node.
     *
     * @param nodeId the node id (the Kafka key)
     * @param watchFiles files whose size and SHA-256 are reported
     * @param clock the time source of {@code collectedAt}
     */
    public InventoryCollector(
            SystemInfo systemInfo,
            String nodeId,
            String nodeName,
            String nodeRole,
            List<Path> watchFiles,
            Clock clock) {
        Objects.requireNonNull(systemInfo, "systemInfo");
        this.hardware = systemInfo.getHardware();
        this.os = systemInfo.getOperatingSystem();
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.nodeRole = nodeRole;
        this.watchFiles = List.copyOf(watchFiles);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The content hash of an inventory, as {@link NodeInventory#getContentHash()} carries it. */
    public static String contentHash(NodeInventory inventory) {
        return InventoryHash.of(inventory);
    }

    /** Collects the inventory. */
    public NodeInventory collect() {
        return collect(List.of());
    }

    /**
     * Collects the inventory, adding software found by other collectors (for example a PostgreSQL server's version).
     */
    public NodeInventory collect(List<NodeSoftware> extraSoftware) {
        Instant now = clock.instant();
        List<NodeSoftware> software = new ArrayList<>(software());
        software.addAll(extraSoftware);
        software.sort(Comparator.comparing(NodeSoftware::getSoftwareName)
                .thenComparing(s -> Objects.toString(s.getSoftwareVersion(), ""))
                .thenComparing(s -> Objects.toString(s.getSoftwareArchitecture(), "")));
        NodeInventory inventory = NodeInventory.newBuilder()
                .setNodeId(nodeId)
                .setCollectedAt(now)
                .setContentHash("")
                .setNode(systemNode())
                .setInterfaces(interfaces())
                .setSoftware(software)
                .setServices(services(now))
                .setDocumentationFiles(watchedFiles())
                .build();
        inventory.setContentHash(contentHash(inventory));
        return inventory;
    }

    private SystemNode systemNode() {
        ComputerSystem computer = hardware.getComputerSystem();
        CentralProcessor processor = hardware.getProcessor();
        OperatingSystem.OSVersionInfo version = os.getVersionInfo();
        Map<String, String> metadata = new TreeMap<>();
        put(metadata, "manufacturer", NodeIdentity.known(computer.getManufacturer()));
        put(
                metadata,
                "firmwareVersion",
                NodeIdentity.known(computer.getFirmware().getVersion()));
        put(
                metadata,
                "baseboardModel",
                NodeIdentity.known(computer.getBaseboard().getModel()));
        put(metadata, "osCodeName", NodeIdentity.known(version.getCodeName()));
        put(metadata, "osManufacturer", NodeIdentity.known(os.getManufacturer()));
        put(metadata, "logicalProcessors", String.valueOf(processor.getLogicalProcessorCount()));
        put(metadata, "physicalPackages", String.valueOf(processor.getPhysicalPackageCount()));
        put(
                metadata,
                "cpuVendor",
                NodeIdentity.known(processor.getProcessorIdentifier().getVendor()));
        put(
                metadata,
                "cpuMicroarchitecture",
                NodeIdentity.known(processor.getProcessorIdentifier().getMicroarchitecture()));
        put(metadata, "bitness", String.valueOf(os.getBitness()));
        hardware.getVirtualization().ifPresent(v -> put(metadata, "virtualization", v));
        NetworkParams network = os.getNetworkParams();
        put(metadata, "hostName", NodeIdentity.known(network.getHostName()));
        put(metadata, "domainName", NodeIdentity.known(network.getDomainName()));
        List<GraphicsCard> gpus = hardware.getGraphicsCards();
        long storageBytes = 0;
        for (HWDiskStore disk : hardware.getDiskStores()) {
            if (isPhysicalDisk(disk)) {
                storageBytes += disk.getSize();
            }
        }
        String kernel = kernelVersion();
        return SystemNode.newBuilder()
                .setNodeName(nodeName)
                .setNodeRole(nodeRole)
                .setModelName(NodeIdentity.known(computer.getModel()))
                .setModelIdentifier(NodeIdentity.known(computer.getBaseboard().getModel()))
                .setSerialNumber(NodeIdentity.known(computer.getSerialNumber()))
                .setHardwareUuid(NodeIdentity.hardwareUuid(computer).orElse(null))
                .setCpuModel(
                        NodeIdentity.known(processor.getProcessorIdentifier().getName()))
                .setCpuArchitecture(architecture())
                .setCpuCoresTotal(processor.getPhysicalProcessorCount())
                .setGpuModel(
                        gpus.isEmpty() ? null : NodeIdentity.known(gpus.get(0).getName()))
                .setRamGb(round(hardware.getMemory().getTotal() / GIB, 2))
                .setStorageInternalTb(storageBytes > 0 ? round(storageBytes / 1e12, 3) : null)
                .setOsName(NodeIdentity.known(os.getFamily()))
                .setOsVersion(NodeIdentity.known(version.getVersion()))
                .setOsBuild(NodeIdentity.known(version.getBuildNumber()))
                .setKernelVersion(kernel)
                .setStatus("active")
                .setMetadata(metadata)
                .build();
    }

    private static boolean isPhysicalDisk(HWDiskStore disk) {
        String name = disk.getName().toLowerCase(Locale.ROOT);
        return disk.getSize() > 0 && !name.contains("zram") && !name.contains("/loop") && !name.contains("/ram");
    }

    private List<NodeNetworkInterface> interfaces() {
        NetworkParams params = os.getNetworkParams();
        List<NetworkIF> nics = hardware.getNetworkIFs(true);
        String primary = primaryInterface(params, nics).orElse(null);
        List<NodeNetworkInterface> result = new ArrayList<>();
        for (NetworkIF nic : nics) {
            boolean isPrimary = nic.getName().equals(primary);
            String[] ipv4 = nic.getIPv4addr();
            Short[] masks = nic.getSubnetMasks();
            String[] ipv6 = nic.getIPv6addr();
            Map<String, String> metadata = new TreeMap<>();
            metadata.put("mtu", String.valueOf(nic.getMTU()));
            metadata.put("index", String.valueOf(nic.getIndex()));
            if (ipv4.length > 1) {
                metadata.put("ipv4Addresses", String.join(",", ipv4));
            }
            if (ipv6.length > 1) {
                metadata.put("ipv6Addresses", String.join(",", ipv6));
            }
            if (nic.isKnownVmMacAddr()) {
                metadata.put("vmMac", "true");
            }
            long speed = nic.getSpeed();
            result.add(NodeNetworkInterface.newBuilder()
                    .setInterfaceName(nic.getName())
                    .setInterfaceType(interfaceType(nic))
                    .setMacAddress(NodeIdentity.known(nic.getMacaddr()))
                    .setIpv4Address(ipv4.length > 0 ? ipv4[0] : null)
                    .setIpv4Netmask(masks.length > 0 && masks[0] != null ? netmask(masks[0]) : null)
                    .setIpv4Gateway(isPrimary ? NodeIdentity.known(params.getIpv4DefaultGateway()) : null)
                    .setIpv6Address(preferredIpv6(ipv6))
                    .setConnectionSpeedMbps(speed > 0 ? speed / 1_000_000 : null)
                    .setIsPrimary(isPrimary)
                    .setIsActive(nic.getIfOperStatus() == NetworkIF.IfOperStatus.UP
                            || (isLoopback(nic) && nic.getIfOperStatus() != NetworkIF.IfOperStatus.DOWN))
                    .setMetadata(metadata)
                    .build());
        }
        result.sort(Comparator.comparing(NodeNetworkInterface::getInterfaceName));
        return result;
    }

    /** The interface of the IPv4 default route with the lowest metric, else the first non-loopback one up with IPv4. */
    static Optional<String> primaryInterface(NetworkParams params, List<NetworkIF> nics) {
        Optional<String> viaRoute = params.getRoutes().stream()
                .filter(route -> route.getDestination() != null
                        && route.getDestination().length == 4
                        && route.getPrefixLength() == 0
                        && route.isGateway()
                        && route.getInterfaceName() != null)
                .min(Comparator.comparingLong(NetworkParams.IPRoute::getMetric))
                .map(NetworkParams.IPRoute::getInterfaceName);
        if (viaRoute.isPresent()) {
            return viaRoute;
        }
        return nics.stream()
                .filter(nic -> !isLoopback(nic)
                        && nic.getIfOperStatus() == NetworkIF.IfOperStatus.UP
                        && nic.getIPv4addr().length > 0)
                .map(NetworkIF::getName)
                .findFirst();
    }

    private static boolean isLoopback(NetworkIF nic) {
        return nic.getIfType() == 772
                || nic.getName().equals("lo")
                || nic.getName().startsWith("lo0");
    }

    private static String interfaceType(NetworkIF nic) {
        if (isLoopback(nic)) {
            return "loopback";
        }
        return switch (nic.getIfType()) {
            case 1, 6 -> nic.isKnownVmMacAddr() ? "virtual" : "ethernet";
            case 71, 801 -> "wifi";
            case 65534, 768, 776 -> "tunnel";
            default -> "other";
        };
    }

    static String netmask(int prefixLength) {
        if (prefixLength <= 0) {
            return "0.0.0.0";
        }
        long mask = 0xFFFFFFFFL << (32 - Math.min(prefixLength, 32)) & 0xFFFFFFFFL;
        return ((mask >> 24) & 0xFF) + "." + ((mask >> 16) & 0xFF) + "." + ((mask >> 8) & 0xFF) + "." + (mask & 0xFF);
    }

    /** A global IPv6 address if there is one, else the first (link-local). */
    private static String preferredIpv6(String[] addresses) {
        return Arrays.stream(addresses)
                .filter(a -> !a.toLowerCase(Locale.ROOT).startsWith("fe80"))
                .findFirst()
                .orElse(addresses.length > 0 ? addresses[0] : null);
    }

    private List<NodeSoftware> software() {
        List<NodeSoftware> result = new ArrayList<>();
        try {
            for (ApplicationInfo app : os.getInstalledApplications()) {
                Map<String, String> metadata = new TreeMap<>();
                put(metadata, "vendor", NodeIdentity.known(app.getVendor()));
                app.getAdditionalInfo().forEach((key, value) -> {
                    if (!key.equals("architecture")) {
                        put(metadata, key, NodeIdentity.known(value));
                    }
                });
                result.add(NodeSoftware.newBuilder()
                        .setSoftwareName(app.getName())
                        .setSoftwareVersion(NodeIdentity.known(app.getVersion()))
                        .setSoftwareArchitecture(
                                NodeIdentity.known(app.getAdditionalInfo().get("architecture")))
                        .setRuntimeMode("native")
                        .setInstallPath(null)
                        .setIsActive(true)
                        .setInstalledAt(installedAt(app.getTimestamp()))
                        .setMetadata(metadata)
                        .build());
            }
        } catch (RuntimeException e) {
            LOG.warn("Listing the installed applications failed; the inventory lists only the JVM and the kernel", e);
        }
        Map<String, String> jvm = new TreeMap<>();
        put(jvm, "vendor", System.getProperty("java.vendor"));
        put(jvm, "vmName", System.getProperty("java.vm.name"));
        put(jvm, "usedBy", "strata-probe");
        result.add(NodeSoftware.newBuilder()
                .setSoftwareName("java")
                .setSoftwareVersion(System.getProperty("java.runtime.version", System.getProperty("java.version")))
                .setSoftwareArchitecture(architecture())
                .setRuntimeMode("jvm")
                .setInstallPath(System.getProperty("java.home"))
                .setIsActive(true)
                .setMetadata(jvm)
                .build());
        Map<String, String> kernel = new TreeMap<>();
        put(kernel, "family", System.getProperty("os.name"));
        result.add(NodeSoftware.newBuilder()
                .setSoftwareName("kernel")
                .setSoftwareVersion(kernelVersion())
                .setSoftwareArchitecture(architecture())
                .setRuntimeMode("native")
                .setIsActive(true)
                .setMetadata(kernel)
                .build());
        return result;
    }

    /** OSHI reports seconds on some platforms and milliseconds on others. */
    private static Instant installedAt(long timestamp) {
        if (timestamp <= 0) {
            return null;
        }
        return timestamp < 100_000_000_000L ? Instant.ofEpochSecond(timestamp) : Instant.ofEpochMilli(timestamp);
    }

    private List<NodeService> services(Instant now) {
        List<NodeService> result = new ArrayList<>();
        List<IPConnection> listening;
        try {
            listening = os.getInternetProtocolStats().getConnections().stream()
                    .filter(c -> c.getType().startsWith("tcp") && c.getState() == TcpState.LISTEN)
                    .toList();
        } catch (RuntimeException e) {
            LOG.warn("Listing the listening sockets failed; the inventory has no services", e);
            return result;
        }
        Map<String, NodeService> unique = new LinkedHashMap<>();
        for (IPConnection connection : listening) {
            int pid = connection.getowningProcessId();
            OSProcess process = pid > 0 ? os.getProcess(pid) : null;
            String bind = address(connection.getLocalAddress());
            Map<String, String> metadata = new TreeMap<>();
            metadata.put("protocol", connection.getType());
            String name;
            NodeService.Builder service = NodeService.newBuilder().setStatus("running");
            if (process != null) {
                name = process.getName();
                put(metadata, "user", NodeIdentity.known(process.getUser()));
                put(metadata, "commandLine", truncate(process.getCommandLine(), 512));
                service.setProcessId(pid)
                        .setExecutablePath(NodeIdentity.known(process.getPath()))
                        .setStartedAt(process.getStartTime() > 0 ? Instant.ofEpochMilli(process.getStartTime()) : null)
                        .setUptimeSeconds(
                                process.getStartTime() > 0
                                        ? Math.max(0, (now.toEpochMilli() - process.getStartTime()) / 1000)
                                        : null);
            } else {
                // Sockets of other users' processes cannot be mapped to a pid without privileges.
                name = "port-" + connection.getLocalPort();
                metadata.put("processUnknown", "true");
            }
            NodeService built = service.setServiceName(name)
                    .setServiceType(serviceType(name))
                    .setPort(connection.getLocalPort())
                    .setBindAddress(bind)
                    .setMetadata(metadata)
                    .build();
            unique.putIfAbsent(name + "|" + bind + "|" + connection.getLocalPort() + "|" + pid, built);
        }
        result.addAll(unique.values());
        result.sort(Comparator.comparing(NodeService::getPort)
                .thenComparing(s -> Objects.toString(s.getBindAddress(), ""))
                .thenComparing(NodeService::getServiceName));
        return result;
    }

    private static String serviceType(String processName) {
        String name = processName.toLowerCase(Locale.ROOT);
        if (name.startsWith("postgres")
                || name.startsWith("mysqld")
                || name.startsWith("mariadbd")
                || name.startsWith("mongod")
                || name.startsWith("redis")) {
            return "database";
        }
        if (name.startsWith("nginx")
                || name.startsWith("httpd")
                || name.startsWith("apache")
                || name.startsWith("caddy")) {
            return "web";
        }
        if (name.startsWith("sshd")
                || name.startsWith("systemd")
                || name.startsWith("chronyd")
                || name.startsWith("cupsd")) {
            return "system";
        }
        if (name.contains("exporter") || name.startsWith("strata")) {
            return "agent";
        }
        return null;
    }

    private static String address(byte[] bytes) {
        try {
            return bytes == null || bytes.length == 0
                    ? null
                    : InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private List<DocumentationFile> watchedFiles() {
        List<DocumentationFile> result = new ArrayList<>();
        for (Path path : watchFiles) {
            Path absolute = path.toAbsolutePath().normalize();
            DocumentationFile.Builder file = DocumentationFile.newBuilder()
                    .setFileName(
                            absolute.getFileName() == null
                                    ? absolute.toString()
                                    : absolute.getFileName().toString())
                    .setFilePath(absolute.toString())
                    .setIsLatest(true);
            Map<String, String> metadata = new TreeMap<>();
            try {
                file.setFileSizeBytes(Files.size(absolute))
                        .setModifiedAt(Files.getLastModifiedTime(absolute).toInstant())
                        .setFileHash(fileSha256(absolute));
            } catch (IOException e) {
                metadata.put("error", Files.exists(absolute) ? "unreadable" : "missing");
                file.setFileSizeBytes(null).setModifiedAt(null).setFileHash(null);
            }
            result.add(file.setMetadata(metadata).build());
        }
        return result;
    }

    static String fileSha256(Path file) throws IOException {
        MessageDigest digest = InventoryHash.digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String kernelVersion() {
        Path release = Path.of("/proc/sys/kernel/osrelease");
        try {
            if (Files.isReadable(release)) {
                return Files.readString(release).strip();
            }
        } catch (IOException e) {
            // fall back to the JVM's view
        }
        return System.getProperty("os.version");
    }

    static String architecture() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch.isEmpty() ? null : arch;
        };
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static String truncate(String text, int max) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return text.length() <= max ? text : text.substring(0, max);
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
