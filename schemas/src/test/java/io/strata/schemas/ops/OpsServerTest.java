package io.strata.schemas.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void shouldServeHealthAndPrometheusMetrics() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("strata.test.records", "topic", "strata.metrics.raw").increment(3);
        AtomicBoolean up = new AtomicBoolean(true);

        try (OpsServer server = OpsServer.start(
                "127.0.0.1",
                0,
                registry,
                () -> new Health(up.get(), Map.of("state", up.get() ? "RUNNING" : "ERROR")))) {
            HttpResponse<String> health = get(server, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"details\":{\"state\":\"RUNNING\"}}");

            up.set(false);
            HttpResponse<String> down = get(server, "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"DOWN\"", "ERROR");

            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(metrics.body()).contains("strata_test_records_total{topic=\"strata.metrics.raw\"} 3.0");
        }
    }

    private HttpResponse<String> get(OpsServer server, String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
