package io.strata.sink.state;

import io.strata.schemas.avro.DocumentationFile;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeNetworkInterface;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.avro.NodeSoftware;
import io.strata.schemas.avro.SystemNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Update;

/**
 * Applies a {@link NodeInventory} (the complete current state of one node) to {@code system_nodes} and its child
 * tables. Rows are upserted by their natural key; a row the inventory no longer lists is marked inactive
 * (interfaces, software, files) or stopped (services), never deleted. A changed software version or file hash
 * keeps the old row as history ({@code is_active} / {@code is_latest} FALSE) and inserts a new one, so that
 * {@code software_versions} has one active version per node and software.
 */
public final class NodeInventoryWriter {
    private static final Set<String> NODE_STATUS = Set.of("active", "inactive", "maintenance");
    private static final Set<String> SERVICE_STATUS = Set.of("running", "stopped", "failed");

    /** Creates a writer; it holds no state and may be shared. */
    public NodeInventoryWriter() {}

    /**
     * Applies the inventory in the caller's transaction.
     *
     * @return what was done; an inventory older than the last applied one is skipped ({@code STALE}), one with the
     *     same content hash only refreshes {@code last_verified} ({@code UNCHANGED})
     */
    public ApplyResult apply(Handle handle, NodeInventory inventory) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(inventory, "inventory");
        String nodeKey = inventory.getNodeId();
        Instant seen = inventory.getCollectedAt();
        Optional<Map<String, Object>> current = handle.createQuery(
                        "SELECT id, inventory_collected_at, inventory_hash FROM system_nodes WHERE node_key = :key "
                                + "FOR UPDATE")
                .bind("key", nodeKey)
                .mapToMap()
                .findOne();
        if (current.isPresent()) {
            long id = ((Number) current.get().get("id")).longValue();
            java.sql.Timestamp last = (java.sql.Timestamp) current.get().get("inventory_collected_at");
            if (last != null && last.toInstant().isAfter(seen)) {
                return new ApplyResult(id, ApplyResult.Outcome.STALE, 0, 0);
            }
            if (inventory.getContentHash().equals(current.get().get("inventory_hash"))) {
                handle.createUpdate("UPDATE system_nodes SET last_verified = :seen, inventory_collected_at = :seen "
                                + "WHERE id = :id")
                        .bind("seen", seen)
                        .bind("id", id)
                        .execute();
                return new ApplyResult(id, ApplyResult.Outcome.UNCHANGED, 0, 0);
            }
        }
        Counts counts = new Counts();
        long nodeId = upsertNode(handle, inventory, counts);
        interfaces(handle, nodeId, inventory, seen, counts);
        software(handle, nodeId, inventory, seen, counts);
        services(handle, nodeId, inventory, seen, counts);
        files(handle, nodeId, inventory, seen, counts);
        return new ApplyResult(nodeId, ApplyResult.Outcome.APPLIED, counts.upserted, counts.deactivated);
    }

    private static long upsertNode(Handle handle, NodeInventory inventory, Counts counts) {
        SystemNode node = inventory.getNode();
        Nodes.freeName(handle, inventory.getNodeId(), node.getNodeName());
        Map<String, String> metadata = new LinkedHashMap<>(node.getMetadata());
        String status = node.getStatus() == null ? "active" : Values.oneOf(node.getStatus(), NODE_STATUS);
        if (status == null) {
            metadata.put("reported_status", node.getStatus());
            status = "active";
        }
        var query = handle.createQuery("INSERT INTO system_nodes (node_key, node_name, node_role, model_name, "
                + "model_identifier, serial_number, hardware_uuid, cpu_model, cpu_architecture, cpu_cores_total, "
                + "cpu_cores_performance, cpu_cores_efficiency, gpu_model, gpu_cores, ram_gb, storage_internal_tb, "
                + "os_name, os_version, os_build, kernel_version, status, last_verified, inventory_collected_at, "
                + "inventory_hash, metadata) VALUES (:key, :name, :role, :modelName, :modelIdentifier, :serial, "
                + ":hwUuid, :cpuModel, :cpuArch, :coresTotal, :coresPerf, :coresEff, :gpuModel, :gpuCores, :ram, "
                + ":storage, :osName, :osVersion, :osBuild, :kernel, :status, :seen, :seen, :hash, "
                + Values.jsonb("md") + ") "
                + "ON CONFLICT (node_key) DO UPDATE SET node_name = EXCLUDED.node_name, "
                + "node_role = EXCLUDED.node_role, model_name = EXCLUDED.model_name, "
                + "model_identifier = EXCLUDED.model_identifier, serial_number = EXCLUDED.serial_number, "
                + "hardware_uuid = EXCLUDED.hardware_uuid, cpu_model = EXCLUDED.cpu_model, "
                + "cpu_architecture = EXCLUDED.cpu_architecture, cpu_cores_total = EXCLUDED.cpu_cores_total, "
                + "cpu_cores_performance = EXCLUDED.cpu_cores_performance, "
                + "cpu_cores_efficiency = EXCLUDED.cpu_cores_efficiency, gpu_model = EXCLUDED.gpu_model, "
                + "gpu_cores = EXCLUDED.gpu_cores, ram_gb = EXCLUDED.ram_gb, "
                + "storage_internal_tb = EXCLUDED.storage_internal_tb, os_name = EXCLUDED.os_name, "
                + "os_version = EXCLUDED.os_version, os_build = EXCLUDED.os_build, "
                + "kernel_version = EXCLUDED.kernel_version, status = EXCLUDED.status, "
                + "last_verified = EXCLUDED.last_verified, inventory_collected_at = EXCLUDED.inventory_collected_at, "
                + "inventory_hash = EXCLUDED.inventory_hash, metadata = EXCLUDED.metadata, updated_at = now() "
                + "RETURNING id");
        query.bind("key", inventory.getNodeId())
                .bind("name", node.getNodeName())
                .bind("role", Values.identifier(node.getNodeRole()))
                .bind("modelName", node.getModelName())
                .bind("modelIdentifier", node.getModelIdentifier())
                .bind("serial", node.getSerialNumber())
                .bind("hwUuid", node.getHardwareUuid())
                .bind("cpuModel", node.getCpuModel())
                .bind("cpuArch", node.getCpuArchitecture())
                .bind("coresTotal", Values.nonNegative(node.getCpuCoresTotal()))
                .bind("coresPerf", Values.nonNegative(node.getCpuCoresPerformance()))
                .bind("coresEff", Values.nonNegative(node.getCpuCoresEfficiency()))
                .bind("gpuModel", node.getGpuModel())
                .bind("gpuCores", Values.nonNegative(node.getGpuCores()))
                .bind("ram", Values.nonNegative(node.getRamGb()))
                .bind("storage", Values.nonNegative(node.getStorageInternalTb()))
                .bind("osName", node.getOsName())
                .bind("osVersion", node.getOsVersion())
                .bind("osBuild", node.getOsBuild())
                .bind("kernel", node.getKernelVersion())
                .bind("status", status)
                .bind("seen", inventory.getCollectedAt())
                .bind("hash", inventory.getContentHash());
        Values.bindMap(query, "md", metadata);
        counts.upserted++;
        return query.mapTo(Long.class).one();
    }

    private static void interfaces(Handle handle, long nodeId, NodeInventory inventory, Instant seen, Counts counts) {
        Map<String, NodeNetworkInterface> byName = new LinkedHashMap<>();
        inventory.getInterfaces().forEach(i -> byName.put(i.getInterfaceName(), i));
        if (!byName.isEmpty()) {
            PreparedBatch batch = handle.prepareBatch("INSERT INTO network_interfaces (node_id, interface_name, "
                    + "interface_type, mac_address, ipv4_address, ipv4_netmask, ipv4_gateway, ipv6_address, "
                    + "connection_speed_mbps, is_primary, is_active, last_seen_at, metadata) VALUES (:node, :name, "
                    + ":type, strata_try_macaddr(:mac), strata_try_inet(:ipv4), :mask, strata_try_inet(:gw), "
                    + "strata_try_inet(:ipv6), :speed, :primary, :active, :seen, " + Values.jsonb("md") + ") "
                    + "ON CONFLICT (node_id, interface_name) DO UPDATE SET interface_type = EXCLUDED.interface_type, "
                    + "mac_address = EXCLUDED.mac_address, ipv4_address = EXCLUDED.ipv4_address, "
                    + "ipv4_netmask = EXCLUDED.ipv4_netmask, ipv4_gateway = EXCLUDED.ipv4_gateway, "
                    + "ipv6_address = EXCLUDED.ipv6_address, connection_speed_mbps = EXCLUDED.connection_speed_mbps, "
                    + "is_primary = EXCLUDED.is_primary, is_active = EXCLUDED.is_active, "
                    + "last_seen_at = EXCLUDED.last_seen_at, metadata = EXCLUDED.metadata, "
                    + "updated_at = CASE WHEN (network_interfaces.interface_type, network_interfaces.mac_address, "
                    + "network_interfaces.ipv4_address, network_interfaces.ipv4_netmask, "
                    + "network_interfaces.ipv4_gateway, network_interfaces.ipv6_address, "
                    + "network_interfaces.connection_speed_mbps, network_interfaces.is_primary, "
                    + "network_interfaces.is_active, network_interfaces.metadata) IS DISTINCT FROM "
                    + "(EXCLUDED.interface_type, EXCLUDED.mac_address, EXCLUDED.ipv4_address, EXCLUDED.ipv4_netmask, "
                    + "EXCLUDED.ipv4_gateway, EXCLUDED.ipv6_address, EXCLUDED.connection_speed_mbps, "
                    + "EXCLUDED.is_primary, EXCLUDED.is_active, EXCLUDED.metadata) "
                    + "THEN now() ELSE network_interfaces.updated_at END");
            for (NodeNetworkInterface i : byName.values()) {
                batch.bind("node", nodeId)
                        .bind("name", i.getInterfaceName())
                        .bind("type", i.getInterfaceType())
                        .bind("mac", i.getMacAddress())
                        .bind("ipv4", i.getIpv4Address())
                        .bind("mask", i.getIpv4Netmask())
                        .bind("gw", i.getIpv4Gateway())
                        .bind("ipv6", i.getIpv6Address())
                        .bind("speed", Values.nonNegative(i.getConnectionSpeedMbps()))
                        .bind("primary", i.getIsPrimary())
                        .bind("active", i.getIsActive())
                        .bind("seen", seen);
                Values.bindMap(batch, "md", i.getMetadata());
                batch.add();
            }
            counts.upserted += sum(batch.execute());
        }
        counts.deactivated += deactivate(
                handle,
                "UPDATE network_interfaces SET is_active = FALSE, updated_at = now() WHERE node_id = :node "
                        + "AND is_active AND (last_seen_at IS NULL OR last_seen_at < :seen)",
                nodeId,
                seen);
    }

    private static void software(Handle handle, long nodeId, NodeInventory inventory, Instant seen, Counts counts) {
        Map<String, NodeSoftware> byName = new LinkedHashMap<>();
        // Only the installation in use is "the" version; entries flagged inactive are not recorded as current.
        inventory.getSoftware().stream()
                .filter(NodeSoftware::getIsActive)
                .forEach(s -> byName.put(s.getSoftwareName(), s));
        if (!byName.isEmpty()) {
            // A different version (or build, mode, path) retires the active row; the insert then adds the new one.
            PreparedBatch retire = handle.prepareBatch("UPDATE software_versions SET is_active = FALSE, "
                    + "updated_at = now() WHERE node_id = :node AND software_name = :name AND is_active AND "
                    + "(software_version, software_architecture, runtime_mode, install_path) IS DISTINCT FROM "
                    + "(CAST(:version AS text), CAST(:arch AS text), CAST(:mode AS text), CAST(:path AS text))");
            PreparedBatch upsert = handle.prepareBatch("INSERT INTO software_versions (node_id, software_name, "
                    + "software_version, software_architecture, runtime_mode, install_path, is_active, installed_at, "
                    + "last_seen_at, metadata) VALUES (:node, :name, :version, :arch, :mode, :path, TRUE, :installed, "
                    + ":seen, " + Values.jsonb("md") + ") "
                    + "ON CONFLICT (node_id, software_name) WHERE is_active DO UPDATE SET "
                    + "installed_at = COALESCE(EXCLUDED.installed_at, software_versions.installed_at), "
                    + "last_seen_at = EXCLUDED.last_seen_at, metadata = EXCLUDED.metadata, "
                    + "updated_at = CASE WHEN (software_versions.installed_at, software_versions.metadata) "
                    + "IS DISTINCT FROM (COALESCE(EXCLUDED.installed_at, software_versions.installed_at), "
                    + "EXCLUDED.metadata) THEN now() ELSE software_versions.updated_at END");
            for (NodeSoftware s : byName.values()) {
                retire.bind("node", nodeId)
                        .bind("name", s.getSoftwareName())
                        .bind("version", s.getSoftwareVersion())
                        .bind("arch", s.getSoftwareArchitecture())
                        .bind("mode", s.getRuntimeMode())
                        .bind("path", s.getInstallPath())
                        .add();
                upsert.bind("node", nodeId)
                        .bind("name", s.getSoftwareName())
                        .bind("version", s.getSoftwareVersion())
                        .bind("arch", s.getSoftwareArchitecture())
                        .bind("mode", s.getRuntimeMode())
                        .bind("path", s.getInstallPath())
                        .bind("installed", s.getInstalledAt())
                        .bind("seen", seen);
                Values.bindMap(upsert, "md", s.getMetadata());
                upsert.add();
            }
            counts.deactivated += sum(retire.execute());
            counts.upserted += sum(upsert.execute());
        }
        counts.deactivated += deactivate(
                handle,
                "UPDATE software_versions SET is_active = FALSE, updated_at = now() WHERE node_id = :node "
                        + "AND is_active AND (last_seen_at IS NULL OR last_seen_at < :seen)",
                nodeId,
                seen);
    }

    private static void services(Handle handle, long nodeId, NodeInventory inventory, Instant seen, Counts counts) {
        Map<String, NodeService> byName = new LinkedHashMap<>();
        inventory.getServices().forEach(s -> byName.put(s.getServiceName(), s));
        if (!byName.isEmpty()) {
            PreparedBatch batch = handle.prepareBatch("INSERT INTO services (node_id, service_name, service_type, "
                    + "process_id, port, bind_address, executable_path, status, started_at, uptime_seconds, "
                    + "last_seen_at, metadata) VALUES (:node, :name, :type, :pid, :port, :bind, :exe, :status, "
                    + ":started, :uptime, :seen, " + Values.jsonb("md") + ") "
                    + "ON CONFLICT (node_id, service_name) DO UPDATE SET service_type = EXCLUDED.service_type, "
                    + "process_id = EXCLUDED.process_id, port = EXCLUDED.port, bind_address = EXCLUDED.bind_address, "
                    + "executable_path = EXCLUDED.executable_path, status = EXCLUDED.status, "
                    + "started_at = EXCLUDED.started_at, uptime_seconds = EXCLUDED.uptime_seconds, "
                    + "last_seen_at = EXCLUDED.last_seen_at, metadata = EXCLUDED.metadata, "
                    // Uptime moves on every report: only a change of what runs counts as an update.
                    + "updated_at = CASE WHEN (services.service_type, services.process_id, services.port, "
                    + "services.bind_address, services.executable_path, services.status, services.started_at) "
                    + "IS DISTINCT FROM (EXCLUDED.service_type, EXCLUDED.process_id, EXCLUDED.port, "
                    + "EXCLUDED.bind_address, EXCLUDED.executable_path, EXCLUDED.status, EXCLUDED.started_at) "
                    + "THEN now() ELSE services.updated_at END");
            for (NodeService s : byName.values()) {
                Map<String, String> metadata = s.getMetadata();
                String status = Values.oneOf(s.getStatus(), SERVICE_STATUS);
                if (status == null) {
                    metadata = new HashMap<>(metadata);
                    metadata.put("reported_status", s.getStatus());
                    status = "failed";
                }
                batch.bind("node", nodeId)
                        .bind("name", s.getServiceName())
                        .bind("type", s.getServiceType())
                        .bind("pid", Values.nonNegative(s.getProcessId()))
                        .bind("port", Values.port(s.getPort()))
                        .bind("bind", s.getBindAddress())
                        .bind("exe", s.getExecutablePath())
                        .bind("status", status)
                        .bind("started", s.getStartedAt())
                        .bind("uptime", Values.nonNegative(s.getUptimeSeconds()))
                        .bind("seen", seen);
                Values.bindMap(batch, "md", metadata);
                batch.add();
            }
            counts.upserted += sum(batch.execute());
        }
        counts.deactivated += deactivate(
                handle,
                "UPDATE services SET status = 'stopped', process_id = NULL, uptime_seconds = NULL, "
                        + "updated_at = now() WHERE node_id = :node AND status = 'running' "
                        + "AND (last_seen_at IS NULL OR last_seen_at < :seen)",
                nodeId,
                seen);
    }

    private static void files(Handle handle, long nodeId, NodeInventory inventory, Instant seen, Counts counts) {
        Map<String, DocumentationFile> byPath = new LinkedHashMap<>();
        inventory.getDocumentationFiles().forEach(f -> byPath.put(f.getFilePath(), f));
        if (!byPath.isEmpty()) {
            // New content: the old row stays as history with is_latest = FALSE.
            PreparedBatch retire = handle.prepareBatch("UPDATE documentation_files SET is_latest = FALSE, "
                    + "updated_at = now() WHERE node_id = :node AND file_path = :path AND is_latest "
                    + "AND file_hash IS DISTINCT FROM CAST(:hash AS text)");
            PreparedBatch upsert = handle.prepareBatch("INSERT INTO documentation_files (node_id, file_name, "
                    + "file_path, file_size_bytes, file_hash, category, is_latest, modified_at, is_active, "
                    + "last_seen_at, metadata) VALUES (:node, :name, :path, :size, :hash, :category, TRUE, "
                    + ":modified, TRUE, :seen, " + Values.jsonb("md") + ") "
                    + "ON CONFLICT (node_id, file_path) WHERE is_latest DO UPDATE SET file_name = EXCLUDED.file_name, "
                    + "file_size_bytes = EXCLUDED.file_size_bytes, category = EXCLUDED.category, "
                    + "modified_at = EXCLUDED.modified_at, is_active = TRUE, last_seen_at = EXCLUDED.last_seen_at, "
                    + "metadata = EXCLUDED.metadata, updated_at = CASE WHEN (documentation_files.file_name, "
                    + "documentation_files.file_size_bytes, documentation_files.category, "
                    + "documentation_files.modified_at, documentation_files.is_active, documentation_files.metadata) "
                    + "IS DISTINCT FROM (EXCLUDED.file_name, EXCLUDED.file_size_bytes, EXCLUDED.category, "
                    + "EXCLUDED.modified_at, TRUE, EXCLUDED.metadata) THEN now() "
                    + "ELSE documentation_files.updated_at END");
            for (DocumentationFile f : byPath.values()) {
                String hash = Values.sha256(f.getFileHash());
                retire.bind("node", nodeId)
                        .bind("path", f.getFilePath())
                        .bind("hash", hash)
                        .add();
                upsert.bind("node", nodeId)
                        .bind("name", f.getFileName())
                        .bind("path", f.getFilePath())
                        .bind("size", Values.nonNegative(f.getFileSizeBytes()))
                        .bind("hash", hash)
                        .bind("category", f.getCategory())
                        .bind("modified", f.getModifiedAt())
                        .bind("seen", seen);
                Values.bindMap(upsert, "md", f.getMetadata());
                upsert.add();
            }
            counts.deactivated += sum(retire.execute());
            counts.upserted += sum(upsert.execute());
        }
        counts.deactivated += deactivate(
                handle,
                "UPDATE documentation_files SET is_active = FALSE, updated_at = now() WHERE node_id = :node "
                        + "AND is_latest AND is_active AND (last_seen_at IS NULL OR last_seen_at < :seen)",
                nodeId,
                seen);
    }

    static int deactivate(Handle handle, String sql, long nodeId, Instant seen) {
        Update update = handle.createUpdate(sql);
        return update.bind("node", nodeId).bind("seen", seen).execute();
    }

    static int sum(int[] counts) {
        int total = 0;
        for (int c : counts) {
            total += Math.max(c, 0);
        }
        return total;
    }

    /** Mutable tallies while one record is applied. */
    static final class Counts {
        int upserted;
        int deactivated;
    }
}
