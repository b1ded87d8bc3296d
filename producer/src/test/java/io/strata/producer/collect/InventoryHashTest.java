package io.strata.producer.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.DocumentationFile;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.avro.SystemNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryHashTest {

    private static NodeInventory inventory(Instant collectedAt, int pid, long uptime, Map<String, String> metadata) {
        return NodeInventory.newBuilder()
                .setNodeId("node-1")
                .setCollectedAt(collectedAt)
                .setContentHash("")
                .setNode(SystemNode.newBuilder()
                        .setNodeName("web-1")
                        .setMetadata(metadata)
                        .build())
                .setInterfaces(List.of())
                .setSoftware(List.of())
                .setServices(List.of(NodeService.newBuilder()
                        .setServiceName("postgres")
                        .setProcessId(pid)
                        .setPort(5432)
                        .setStatus("running")
                        .setUptimeSeconds(uptime)
                        .build()))
                .setDocumentationFiles(List.of(DocumentationFile.newBuilder()
                        .setFileName("hosts")
                        .setFilePath("/etc/hosts")
                        .setFileHash("abc")
                        .setModifiedAt(Instant.parse("2025-12-31T00:00:00Z"))
                        .build()))
                .build();
    }

    @Test
    void shouldIgnoreCollectionTimeAndUptime() {
        String first = InventoryHash.of(inventory(Instant.parse("2026-01-01T00:00:00Z"), 42, 10, Map.of()));
        String later = InventoryHash.of(inventory(Instant.parse("2026-01-01T00:05:00Z"), 42, 310, Map.of()));

        assertThat(later).isEqualTo(first).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void shouldChangeWhenAServiceRestartsWithANewPid() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        assertThat(InventoryHash.of(inventory(now, 43, 1, Map.of())))
                .isNotEqualTo(InventoryHash.of(inventory(now, 42, 1, Map.of())));
    }

    @Test
    void shouldNotDependOnMapOrder() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Map<String, String> one = new HashMap<>();
        Map<String, String> other = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            one.put("key" + i, "v" + i);
        }
        for (int i = 49; i >= 0; i--) {
            other.put("key" + i, "v" + i);
        }

        assertThat(InventoryHash.of(inventory(now, 1, 1, one)))
                .isEqualTo(InventoryHash.of(inventory(now, 1, 1, other)));
    }

    @Test
    void shouldNotDependOnTheHashAlreadyStored() {
        NodeInventory inventory = inventory(Instant.EPOCH, 1, 1, Map.of());
        String hash = InventoryHash.of(inventory);
        inventory.setContentHash(hash);

        assertThat(InventoryHash.of(inventory)).isEqualTo(hash);
    }
}
