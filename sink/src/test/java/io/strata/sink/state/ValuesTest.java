package io.strata.sink.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.ReplicationLink;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void shouldLowerCaseIdentifiersAndDropOnesThatBreakTheCheck() {
        assertThat(Values.identifier(" Primary ")).isEqualTo("primary");
        assertThat(Values.identifier("stand by")).isNull();
        assertThat(Values.identifier("")).isNull();
        assertThat(Values.identifier(null)).isNull();
    }

    @Test
    void shouldKeepOnlyAllowedEnumerationValues() {
        assertThat(Values.oneOf("STREAMING", Set.of("streaming"))).isEqualTo("streaming");
        assertThat(Values.oneOf("exploded", Set.of("streaming"))).isNull();
    }

    @Test
    void shouldAcceptOnlySha256HexAndLowerCaseIt() {
        assertThat(Values.sha256("AB".repeat(32))).isEqualTo("ab".repeat(32));
        assertThat(Values.sha256("abc")).isNull();
    }

    @Test
    void shouldTurnOutOfRangeNumbersIntoNull() {
        assertThat(Values.port(70_000)).isNull();
        assertThat(Values.port(5432)).isEqualTo(5432);
        assertThat(Values.nonNegative(-1)).isNull();
        assertThat(Values.nonNegative(-1L)).isNull();
        assertThat(Values.nonNegative(Double.NaN)).isNull();
        assertThat(Values.nonNegative(1.5)).isEqualTo(1.5);
    }

    @Test
    void shouldKeyAReplicationLinkByApplicationNameThenSlotThenAddress() {
        assertThat(PostgresStateWriter.linkKey(link("pg-replica", "slot1", "10.0.0.2")))
                .isEqualTo("pg-replica");
        assertThat(PostgresStateWriter.linkKey(link(" ", "slot1", "10.0.0.2"))).isEqualTo("slot:slot1");
        assertThat(PostgresStateWriter.linkKey(link(null, null, "10.0.0.2"))).isEqualTo("addr:10.0.0.2");
        assertThat(PostgresStateWriter.linkKey(link(null, null, null))).isEqualTo("unknown");
    }

    private static ReplicationLink link(String app, String slot, String address) {
        return ReplicationLink.newBuilder()
                .setApplicationName(app)
                .setSlotName(slot)
                .setClientAddress(address)
                .build();
    }
}
