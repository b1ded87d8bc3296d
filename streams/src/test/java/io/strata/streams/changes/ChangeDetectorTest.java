package io.strata.streams.changes;

import static io.strata.streams.changes.StateFixtures.T0;
import static io.strata.streams.changes.StateFixtures.changed;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.ChangeType;
import io.strata.schemas.avro.DocumentationFile;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeNetworkInterface;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.avro.NodeSoftware;
import io.strata.schemas.avro.PostgresSetting;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.ReplicationLink;
import io.strata.schemas.avro.WalReceiver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeDetectorTest {

    private final ChangeDetector detector = new ChangeDetector();
    private final NodeInventory inventory = StateFixtures.inventory(T0);
    private final PostgresState postgres = StateFixtures.postgres(T0);

    @Test
    void shouldRegisterANewNodeWithASingleEvent() {
        List<ChangeEvent> events = detector.inventoryChanges(null, inventory);

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.getChangeType()).isEqualTo(ChangeType.NODE);
            assertThat(event.getChangeCategory()).isEqualTo("registered");
            assertThat(event.getTableAffected()).isEqualTo("system_nodes");
            assertThat(event.getChangeDescription()).contains("registered", "2 interfaces", "3 packages", "2 services");
            assertThat(event.getOldValue()).isNull();
            assertThat(event.getNewValue())
                    .contains("\"node_name\":\"" + inventory.getNode().getNodeName() + "\"");
            assertThat(event.getDetectedAt()).isEqualTo(T0);
            assertThat(event.getChangedBy()).isEqualTo("strata-streams");
        });
    }

    @Test
    void shouldEmitNothingForAnUnchangedInventory() {
        NodeInventory later = changed(inventory, copy -> {});

        assertThat(detector.inventoryChanges(inventory, later)).isEmpty();
    }

    @Test
    void shouldReportAHardwareChange() {
        NodeInventory upgraded = changed(inventory, copy -> copy.getNode().setRamGb(64.0));

        assertThat(detector.inventoryChanges(inventory, upgraded))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.getChangeType()).isEqualTo(ChangeType.HARDWARE);
                    assertThat(event.getTableAffected()).isEqualTo("system_nodes");
                    assertThat(event.getChangeDescription())
                            .contains("ram_gb " + inventory.getNode().getRamGb() + " → 64.0");
                    assertThat(event.getNewValue()).contains("\"ram_gb\":64.0");
                });
    }

    @Test
    void shouldReportAnInterfaceThatGotANewAddress() {
        NodeInventory moved = changed(inventory, copy -> {
            NodeNetworkInterface eth0 = copy.getInterfaces().get(0);
            eth0.setIpv4Address("10.1.2.3");
        });

        assertThat(detector.inventoryChanges(inventory, moved)).singleElement().satisfies(event -> {
            assertThat(event.getChangeType()).isEqualTo(ChangeType.NETWORK);
            assertThat(event.getTableAffected()).isEqualTo("network_interfaces");
            assertThat(event.getRecordKey()).isEqualTo("eth0");
            assertThat(event.getChangeCategory()).isEqualTo("modified");
            assertThat(event.getChangeDescription()).contains("ipv4_address", "→ 10.1.2.3");
            assertThat(event.getOldValue()).contains("\"ipv4_address\":\"10.99.");
            assertThat(event.getNewValue()).contains("\"ipv4_address\":\"10.1.2.3\"");
        });
    }

    @Test
    void shouldReportAPackageUpgradeAndAKernelChange() {
        NodeInventory upgraded = changed(inventory, copy -> {
            NodeSoftware jdk = copy.getSoftware().get(1);
            jdk.setSoftwareVersion("17.0.16");
            copy.getNode().setKernelVersion("6.1.0-sim2");
        });

        List<ChangeEvent> events = detector.inventoryChanges(inventory, upgraded);

        assertThat(events).extracting(ChangeEvent::getChangeType).containsOnly(ChangeType.SOFTWARE);
        assertThat(events)
                .extracting(ChangeEvent::getTableAffected)
                .containsExactly("system_nodes", "software_versions");
        assertThat(events.get(1).getChangeDescription()).contains("openjdk", "software_version 17.0.15 → 17.0.16");
    }

    @Test
    void shouldReportAStoppedServiceAndIgnoreUptime() {
        NodeInventory stopped = changed(inventory, copy -> {
            List<NodeService> services = new ArrayList<>(copy.getServices());
            services.remove(1);
            services.get(0).setUptimeSeconds(99_999L);
            copy.setServices(services);
        });

        assertThat(detector.inventoryChanges(inventory, stopped))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.getChangeType()).isEqualTo(ChangeType.SERVICE);
                    assertThat(event.getTableAffected()).isEqualTo("services");
                    assertThat(event.getChangeCategory()).isEqualTo("removed");
                    assertThat(event.getRecordKey()).isEqualTo("sshd:22");
                    assertThat(event.getChangeDescription()).isEqualTo("service sshd:22 stopped");
                    assertThat(event.getNewValue()).isNull();
                });
    }

    @Test
    void shouldReportANewWatchedFile() {
        NodeInventory watched = changed(
                inventory,
                copy -> copy.setDocumentationFiles(List.of(DocumentationFile.newBuilder()
                        .setFileName("README.md")
                        .setFilePath("/etc/strata/README.md")
                        .setFileSizeBytes(10L)
                        .setFileHash("ab".repeat(32))
                        .build())));

        assertThat(detector.inventoryChanges(inventory, watched))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.getChangeType()).isEqualTo(ChangeType.DOCUMENTATION);
                    assertThat(event.getTableAffected()).isEqualTo("documentation_files");
                    assertThat(event.getChangeCategory()).isEqualTo("added");
                });
    }

    @Test
    void shouldRegisterAPostgresInstanceWithASingleEvent() {
        assertThat(detector.postgresChanges(null, postgres)).singleElement().satisfies(event -> {
            assertThat(event.getChangeType()).isEqualTo(ChangeType.CONFIGURATION);
            assertThat(event.getChangeCategory()).isEqualTo("registered");
            assertThat(event.getChangeDescription()).contains("PostgreSQL 18.1 on 127.0.0.1:5432", "3 settings");
        });
    }

    @Test
    void shouldReportASettingWhoseValueChanged() {
        PostgresState tuned = changed(postgres, copy -> {
            PostgresSetting sharedBuffers = copy.getSettings().get(1);
            sharedBuffers.setSettingValue("32768");
        });

        assertThat(detector.postgresChanges(postgres, tuned)).singleElement().satisfies(event -> {
            assertThat(event.getChangeType()).isEqualTo(ChangeType.CONFIGURATION);
            assertThat(event.getTableAffected()).isEqualTo("postgresql_configuration");
            assertThat(event.getRecordKey()).isEqualTo("127.0.0.1:5432/shared_buffers");
            assertThat(event.getChangeDescription()).contains("setting_value 16384 → 32768");
            assertThat(event.getOldValue()).contains("\"setting_value\":\"16384\"", "\"setting_unit\":\"8kB\"");
        });
    }

    @Test
    void shouldReportReplicationChangesButNotLag() {
        PostgresState lagging =
                changed(postgres, copy -> copy.getReplicationLinks().get(0).setReplayLagBytes(1_000_000L));
        assertThat(detector.postgresChanges(postgres, lagging)).isEmpty();

        PostgresState synchronous = changed(postgres, copy -> {
            ReplicationLink link = copy.getReplicationLinks().get(0);
            link.setSyncState("sync");
        });
        assertThat(detector.postgresChanges(postgres, synchronous))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.getChangeType()).isEqualTo(ChangeType.REPLICATION);
                    assertThat(event.getTableAffected()).isEqualTo("replication_status");
                    assertThat(event.getChangeDescription()).contains("sync_state async → sync");
                });

        PostgresState promoted = changed(postgres, copy -> {
            copy.setInRecovery(true);
            copy.setWalReceiver(WalReceiver.newBuilder()
                    .setStatus("streaming")
                    .setSenderHost("10.0.0.1")
                    .build());
        });
        assertThat(detector.postgresChanges(postgres, promoted))
                .extracting(ChangeEvent::getChangeDescription)
                .containsExactly(
                        "PostgreSQL on 127.0.0.1:5432 became a replica",
                        "WAL receiver of 127.0.0.1:5432 changed: status null → streaming, sender_host null → 10.0.0.1");
    }

    @Test
    void shouldReportSchemaChangesButNotTableGrowth() {
        PostgresState grown =
                changed(postgres, copy -> copy.getSchemaObjects().get(0).setTableSizeBytes(1L << 30));
        assertThat(detector.postgresChanges(postgres, grown)).isEmpty();

        PostgresState altered = changed(postgres, copy -> {
            var objects = new ArrayList<>(copy.getSchemaObjects());
            objects.add(StateFixtures.column("orders", "placed_at", "timestamp with time zone", false));
            objects.get(1).setDataType("numeric(12,2)");
            copy.setSchemaObjects(objects);
        });
        assertThat(detector.postgresChanges(postgres, altered))
                .extracting(ChangeEvent::getChangeType, ChangeEvent::getChangeCategory, ChangeEvent::getRecordKey)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                ChangeType.SCHEMA, "modified", "127.0.0.1:5432/shop.public.orders.total"),
                        org.assertj.core.groups.Tuple.tuple(
                                ChangeType.SCHEMA, "added", "127.0.0.1:5432/shop.public.orders.placed_at"));
    }

    @Test
    void shouldReportAServerUpgrade() {
        PostgresState upgraded = changed(postgres, copy -> copy.setServerVersion("18.2"));

        assertThat(detector.postgresChanges(postgres, upgraded)).singleElement().satisfies(event -> {
            assertThat(event.getChangeType()).isEqualTo(ChangeType.SOFTWARE);
            assertThat(event.getTableAffected()).isEqualTo("software_versions");
            assertThat(event.getChangeDescription()).contains("18.1 → 18.2");
        });
    }

    @Test
    void shouldDeriveTheSameEventIdsFromTheSameStates() {
        NodeInventory moved =
                changed(inventory, copy -> copy.getInterfaces().get(0).setIpv4Address("10.1.2.3"));

        assertThat(detector.inventoryChanges(inventory, moved).get(0).getEventId())
                .isEqualTo(new ChangeDetector()
                        .inventoryChanges(inventory, moved)
                        .get(0)
                        .getEventId());
    }
}
