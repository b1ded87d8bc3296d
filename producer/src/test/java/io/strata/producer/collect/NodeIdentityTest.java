package io.strata.producer.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

    @Test
    void shouldFormatTheMachineIdAsAUuid(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("machine-id"), "3D1219C7C4C5404AAA1F6D2A48ADFDA4\n");

        assertThat(NodeIdentity.machineId(file)).contains("3d1219c7-c4c5-404a-aa1f-6d2a48adfda4");
    }

    @Test
    void shouldIgnoreAMissingOrMalformedMachineId(@TempDir Path dir) throws Exception {
        assertThat(NodeIdentity.machineId(dir.resolve("absent"))).isEmpty();
        assertThat(NodeIdentity.machineId(Files.writeString(dir.resolve("bad"), "uninitialized")))
                .isEmpty();
    }

    @Test
    void shouldTreatFirmwarePlaceholdersAsUnknown() {
        assertThat(NodeIdentity.known("unknown")).isNull();
        assertThat(NodeIdentity.known(" To Be Filled By O.E.M. ")).isNull();
        assertThat(NodeIdentity.known("")).isNull();
        assertThat(NodeIdentity.known(null)).isNull();
        assertThat(NodeIdentity.known(" PowerEdge R740 ")).isEqualTo("PowerEdge R740");
    }

    @Test
    void shouldPreferTheConfiguredNodeId() {
        assertThat(NodeIdentity.resolveNodeId(" node-7 ", null, null)).isEqualTo("node-7");
    }

    @Test
    void shouldComputeNetmasksFromPrefixLengths() {
        assertThat(InventoryCollector.netmask(24)).isEqualTo("255.255.255.0");
        assertThat(InventoryCollector.netmask(8)).isEqualTo("255.0.0.0");
        assertThat(InventoryCollector.netmask(32)).isEqualTo("255.255.255.255");
        assertThat(InventoryCollector.netmask(0)).isEqualTo("0.0.0.0");
        assertThat(InventoryCollector.netmask(20)).isEqualTo("255.255.240.0");
    }
}
