package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The state topics go through the same transaction as the metrics, with the writers of io.strata.sink.state. */
@WithEmbeddedKafka
@WithEmbeddedPostgres
class StateTopicsIT {

    private static IngestFixture fixture;

    @BeforeAll
    static void setUp(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        postgres.createDatabase("it_state_topics");
        fixture = new IngestFixture(kafka, postgres.dataSource("it_state_topics"), "it-state-topics", 1);
        fixture.writeAs(postgres, "it_state_topics", "it_state_topics_writer");
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void shouldWriteInventoryStateAndChangesAndRegisterTheNodeOfAStateThatCameFirst() {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofMinutes(1));
        try (SinkIngest sink = fixture.sink()) {
            sink.start();
            fixture.send(fixture.inventory, 0, "state-node", TestRecords.inventory("state-node", "db-1", at));
            fixture.awaitCaughtUp(fixture.inventory);
            fixture.send(fixture.pgstate, 0, "state-node", TestRecords.postgresState("state-node", at, "16384"));
            fixture.send(fixture.pgstate, 0, "nobody", TestRecords.postgresState("nobody", at, "1"));
            fixture.send(
                    fixture.pgstate,
                    0,
                    "state-node",
                    TestRecords.postgresState("state-node", at.plusSeconds(60), "32768"));
            fixture.send(fixture.changes, 0, "state-node", TestRecords.change("e-1", "state-node", "it's \"changed\""));
            fixture.send(fixture.raw, 0, "state-node", TestRecords.batch("state-node", 1, Instant.now(), 3));
            fixture.awaitCaughtUp(fixture.inventory, fixture.pgstate, fixture.changes, fixture.raw);
        }

        assertThat(fixture.count(
                        "SELECT count(*) FROM system_nodes WHERE node_key = 'state-node' AND node_name = 'db-1'"))
                .isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM system_nodes")).isEqualTo(2);
        assertThat(fixture.count("SELECT count(*) FROM postgresql_configuration p JOIN system_nodes n"
                        + " ON n.id = p.node_id WHERE n.node_key = 'nobody' AND p.is_active"))
                .isPositive();
        assertThat(fixture.count("SELECT count(*) FROM postgresql_configuration WHERE setting_name = 'shared_buffers' "
                        + "AND setting_value = '32768' AND is_active"))
                .isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM change_log WHERE change_description = 'it''s \"changed\"'"))
                .isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo(3);
        assertThat(fixture.storedOffsets(fixture.pgstate)).containsEntry(0, 3L);
    }
}
