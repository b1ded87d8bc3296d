package io.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void shouldPickDistinctPortsWhenAskedForSeveral() {
        for (int round = 0; round < 20; round++) {
            assertThat(Ports.freePorts(8)).hasSize(8).doesNotHaveDuplicates().doesNotContain(0);
        }
    }
}
