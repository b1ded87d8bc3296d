package io.strata.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.producer.config.ProbeConfig;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ProbeProducersTest {

    @Test
    void shouldForceIdempotenceAndAcksAllAndDefaultToCompression() {
        ProbeConfig config = ProbeConfig.load(
                null,
                Map.of(),
                Map.of(
                        "kafka.bootstrap.servers", "b:9092",
                        "kafka.acks", "1",
                        "kafka.enable.idempotence", "false",
                        "kafka.security.protocol", "SASL_SSL",
                        "probe.send.timeout", "20s"));

        Map<String, Object> properties = ProbeProducers.properties(config);

        assertThat(properties)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000)
                .containsEntry("security.protocol", "SASL_SSL");
        int request = (int) properties.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        int linger = (int) properties.get(ProducerConfig.LINGER_MS_CONFIG);
        assertThat(request + linger).isLessThanOrEqualTo(20_000);
    }

    @Test
    void shouldKeepACompressionTheOperatorChose() {
        ProbeConfig config = ProbeConfig.load(
                null, Map.of(), Map.of("kafka.bootstrap.servers", "b:9092", "kafka.compression.type", "zstd"));

        assertThat(ProbeProducers.properties(config)).containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    }
}
