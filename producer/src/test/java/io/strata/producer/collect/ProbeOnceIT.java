package io.strata.producer.collect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.producer.cli.ProbeCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata-probe once} on this machine: every metric family of the item 1, and a full inventory. */
class ProbeOnceIT {

    @TempDir
    static Path dir;

    private static JsonNode round;
    private static Path watched;

    @BeforeAll
    static void runOnce() throws Exception {
        watched = Files.writeString(dir.resolve("runbook.md"), "# Runbook\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ProbeCli.execute(
                new String[] {"once", "--node-role", "primary", "-D", "probe.watch-files=" + watched},
                new PrintWriter(out),
                new PrintWriter(err),
                Map.of());
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        round = new ObjectMapper().readTree(out.toString());
    }

    /** category/name -> unit|kind of every sample. */
    private static Map<String, String> families() {
        Map<String, String> families = new HashMap<>();
        for (JsonNode sample : round.path("metrics").path("samples")) {
            families.put(
                    sample.get("category").asText() + "/" + sample.get("name").asText(),
                    sample.get("unit").asText(null) + "|" + sample.get("kind").asText());
        }
        return families;
    }

    private static Set<String> labelValues(String family, String label) {
        Set<String> values = new HashSet<>();
        for (JsonNode sample : round.path("metrics").path("samples")) {
            if ((sample.get("category").asText() + "/" + sample.get("name").asText()).equals(family)) {
                values.add(sample.path("labels").path(label).asText());
            }
        }
        return values;
    }

    @Test
    void shouldReportCpuUtilizationByModeAndLoad() {
        assertThat(families())
                .containsEntry("cpu/utilization", "percent|GAUGE")
                .containsEntry("cpu/utilization_by_mode", "percent|GAUGE")
                .containsEntry("cpu/load_1m", "null|GAUGE")
                .containsEntry("cpu/load_5m", "null|GAUGE")
                .containsEntry("cpu/load_15m", "null|GAUGE");
        assertThat(labelValues("cpu/utilization_by_mode", "mode"))
                .contains("user", "system", "iowait", "steal", "idle");
    }

    @Test
    void shouldReportMemoryAndSwap() {
        assertThat(families())
                .containsEntry("memory/total_bytes", "bytes|GAUGE")
                .containsEntry("memory/available_bytes", "bytes|GAUGE")
                .containsEntry("memory/used_bytes", "bytes|GAUGE")
                .containsEntry("memory/used_percent", "percent|GAUGE")
                .containsEntry("memory/swap_total_bytes", "bytes|GAUGE")
                .containsEntry("memory/swap_used_bytes", "bytes|GAUGE");
    }

    @Test
    void shouldReportDiskCountersPerDevice() {
        assertThat(families())
                .containsEntry("disk/read_bytes", "bytes|COUNTER")
                .containsEntry("disk/write_bytes", "bytes|COUNTER")
                .containsEntry("disk/reads", "operations|COUNTER")
                .containsEntry("disk/writes", "operations|COUNTER");
        assertThat(labelValues("disk/read_bytes", "device")).isNotEmpty().doesNotContain("");
    }

    @Test
    void shouldReportFileSystemsWithInodes() {
        assertThat(families())
                .containsEntry("filesystem/total_bytes", "bytes|GAUGE")
                .containsEntry("filesystem/free_bytes", "bytes|GAUGE")
                .containsEntry("filesystem/used_bytes", "bytes|GAUGE")
                .containsEntry("filesystem/used_percent", "percent|GAUGE")
                .containsEntry("filesystem/inodes_total", "inodes|GAUGE")
                .containsEntry("filesystem/inodes_used", "inodes|GAUGE");
        assertThat(labelValues("filesystem/total_bytes", "mount")).contains("/");
    }

    @Test
    void shouldReportNetworkCountersPerInterface() {
        assertThat(families())
                .containsEntry("network/rx_bytes", "bytes|COUNTER")
                .containsEntry("network/tx_bytes", "bytes|COUNTER")
                .containsEntry("network/rx_packets", "packets|COUNTER")
                .containsEntry("network/tx_packets", "packets|COUNTER")
                .containsEntry("network/rx_errors", "packets|COUNTER")
                .containsEntry("network/tx_errors", "packets|COUNTER")
                .containsEntry("network/rx_drops", "packets|COUNTER");
        assertThat(labelValues("network/rx_bytes", "interface")).contains("lo");
    }

    @Test
    void shouldReportProcessesThreadsTcpStatesAndUptime() {
        assertThat(families())
                .containsEntry("system/processes", "null|GAUGE")
                .containsEntry("system/threads", "null|GAUGE")
                .containsEntry("system/uptime_seconds", "seconds|GAUGE")
                .containsEntry("tcp/connections", "connections|GAUGE");
        assertThat(labelValues("tcp/connections", "state")).contains("listen", "established", "time_wait");
    }

    @Test
    void shouldReportTheProbesOwnTelemetry() {
        assertThat(families())
                .containsEntry("strata.probe/collection_ms", "ms|GAUGE")
                .containsEntry("strata.probe/batches_sent", "batches|COUNTER")
                .containsEntry("strata.probe/send_errors", "errors|COUNTER")
                .containsEntry("strata.probe/spool_bytes", "bytes|GAUGE")
                .containsEntry("strata.probe/dropped_samples", "samples|COUNTER");
    }

    @Test
    void shouldStampTheBatchAsAOneOffRound() {
        JsonNode metrics = round.path("metrics");
        assertThat(metrics.path("nodeId").asText()).isNotBlank();
        assertThat(metrics.path("intervalMs").isNull()).isTrue();
        assertThat(metrics.path("collectedAt").asText()).endsWith("Z");
    }

    @Test
    void shouldPrintAFullInventory() {
        JsonNode inventory = round.path("inventory");
        JsonNode node = inventory.path("node");

        assertThat(inventory.path("contentHash").asText()).hasSize(64);
        assertThat(inventory.path("nodeId").asText())
                .isEqualTo(round.path("metrics").path("nodeId").asText());
        assertThat(node.path("nodeRole").asText()).isEqualTo("primary");
        assertThat(node.path("hardwareUuid").asText()).isNotBlank();
        assertThat(node.path("cpuModel").asText()).isNotBlank();
        assertThat(node.path("cpuCoresTotal").asInt()).isPositive();
        assertThat(node.path("ramGb").asDouble()).isPositive();
        assertThat(node.path("osName").asText()).isNotBlank();
        assertThat(node.path("kernelVersion").asText()).isNotBlank();
        assertThat(inventory.path("interfaces").findValuesAsText("interfaceName"))
                .contains("lo");
        assertThat(inventory.path("interfaces").findValues("isPrimary"))
                .extracting(JsonNode::asBoolean)
                .contains(true);
        assertThat(inventory.path("software").findValuesAsText("softwareName")).contains("java", "kernel");
        assertThat(inventory.path("services").isArray()).isTrue();
        JsonNode file = inventory.path("documentationFiles").get(0);
        assertThat(file.path("filePath").asText())
                .isEqualTo(watched.toAbsolutePath().toString());
        assertThat(file.path("fileSizeBytes").asLong()).isEqualTo(10);
        assertThat(file.path("fileHash").asText())
                .isEqualTo(InventoryHash.sha256("# Runbook\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
