package io.strata.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupChecksTest {

    private static StrataConfig config(Map<String, String> values) {
        return StrataConfig.builder().environment(Map.of()).overrides(values).build();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldNameTheBootstrapServersAndTheTimeoutKeyWhenNoBrokerAnswers() throws Exception {
        String servers = "127.0.0.1:" + closedPort();
        StrataConfig config = config(Map.of("kafka.bootstrap.servers", servers, "app.startup.timeout", "500ms"));

        assertThatThrownBy(() -> StartupChecks.kafka(config, "app.startup.timeout"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.bootstrap.servers: ")
                .hasMessageContaining("'" + servers + "'")
                .hasMessageContaining("app.startup.timeout");
    }

    @Test
    void shouldSkipTheCheckWhenTheTimeoutIsZero() throws Exception {
        StrataConfig config =
                config(Map.of("kafka.bootstrap.servers", "127.0.0.1:" + closedPort(), "app.startup.timeout", "0s"));

        StartupChecks.kafka(config, "app.startup.timeout");
    }

    @Test
    void shouldDefaultTheTimeoutAndRejectANegativeOneNamingTheKey() {
        assertThat(StartupChecks.timeout(config(Map.of()), "app.startup.timeout"))
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() ->
                        StartupChecks.timeout(config(Map.of("app.startup.timeout", "-5s")), "app.startup.timeout"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("app.startup.timeout")
                .hasMessageContaining("'-5s'");
    }
}
