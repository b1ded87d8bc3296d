package io.strata.producer.collect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpStateCountsTest {

    @Test
    void shouldReadTheStateColumnOfAProcNetTcpLine() {
        String listen =
                "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234";
        String established =
                "  12: 0100007F:A3C2 0100007F:8C3B 01 00000000:00000000 02:000AF2B1 00000000     0        0 5678";

        assertThat(TcpStateCounts.stateColumn(listen)).isEqualTo(0x0A);
        assertThat(TcpStateCounts.stateColumn(established)).isEqualTo(0x01);
        assertThat(TcpStateCounts.stateColumn("  garbage")).isEqualTo(-1);
        assertThat(TcpStateCounts.stateColumn("")).isEqualTo(-1);
    }

    @Test
    void shouldCountAListeningSocketOfThisJvm() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            assertThat(TcpStateCounts.read()).hasValueSatisfying(counts -> assertThat(
                            counts.get(oshi.software.os.InternetProtocolStats.TcpState.LISTEN))
                    .isPositive());
        }
    }
}
