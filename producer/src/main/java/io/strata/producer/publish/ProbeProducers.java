package io.strata.producer.publish;

import io.strata.producer.config.ProbeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The probe's Kafka producer: idempotent with {@code acks=all} (always, whatever the configuration says), compression
 * {@code lz4} unless {@code kafka.compression.type} says otherwise, and timeouts from {@code probe.send.timeout}; every
 * other {@code kafka.*} key passes through (TLS, SASL, ...). Keys are node ids, values serialized records.
 */
public final class ProbeProducers {

    private ProbeProducers() {}

    /** The producer properties for {@code config}. */
    public static Map<String, Object> properties(ProbeConfig config) {
        Objects.requireNonNull(config, "config");
        Map<String, Object> properties = new HashMap<>(config.kafkaClientProperties());
        Duration timeout = config.sendTimeout();
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "strata-probe-" + config.nodeName());
        properties.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // The publisher keeps one record in flight (for order), so waiting for more to batch only adds latency.
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        properties.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        // delivery.timeout.ms must cover linger.ms + request.timeout.ms.
        properties.putIfAbsent(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout.toMillis() / 2 - 10));
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        // Not negotiable: the spool's exactly-once-in-order promise rests on them.
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        properties.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return properties;
    }

    /**
     * The properties for bulk sending (the load generator): as {@link #properties} but batching (linger 20 ms,
     * 512 KiB batches) and a generous delivery timeout, since many records are in flight at once.
     */
    public static Map<String, Object> bulkProperties(ProbeConfig config) {
        Map<String, Object> properties = new HashMap<>(config.kafkaClientProperties());
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        properties.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        properties.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        properties.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "strata-loadgen");
        properties.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        properties.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return properties;
    }

    /** A new producer for {@code config}. */
    public static Producer<String, byte[]> create(ProbeConfig config) {
        return new KafkaProducer<>(properties(config), new StringSerializer(), new ByteArraySerializer());
    }
}
