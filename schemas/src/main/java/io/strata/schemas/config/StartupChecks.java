package io.strata.schemas.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Bounded checks, at startup, that the endpoints of a configuration answer: Kafka clients retry an unreachable
 * broker forever, so without them an app given a wrong host or port hangs instead of exiting with a message naming
 * the key. Each app has its own {@code <app>.startup.timeout} key (zero: no check).
 */
public final class StartupChecks {

    /** The timeout when the app's key is not set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    // Beyond the admin client's own timeout: the future normally fails first, this only guards a stuck client.
    private static final long GUARD_MS = 5_000;

    private StartupChecks() {}

    /**
     * The startup timeout under {@code key}, {@link #DEFAULT_TIMEOUT} when it is not set.
     *
     * @throws ConfigException naming the key if it is not a duration of zero or more
     */
    public static Duration timeout(StrataConfig config, String key) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(key, "key");
        return config.has(key) ? config.getNonNegativeDuration(key) : DEFAULT_TIMEOUT;
    }

    /**
     * Returns once the Kafka cluster of the {@code kafka.*} keys answered (its cluster id), within the timeout under
     * {@code timeoutKey}; does nothing when that timeout is zero.
     *
     * @throws ConfigException naming {@code kafka.bootstrap.servers} and its value if the cluster did not answer
     */
    public static void kafka(StrataConfig config, String timeoutKey) {
        Duration timeout = timeout(config, timeoutKey);
        if (timeout.isZero()) {
            return;
        }
        Map<String, Object> properties = new HashMap<>();
        config.kafkaClientProperties().forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                properties.put(key, value);
            }
        });
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        String expected = "a Kafka cluster that answers within " + Durations.format(timeout) + " (" + timeoutKey + ")";
        Admin admin;
        try {
            admin = Admin.create(properties);
        } catch (KafkaException e) {
            throw new ConfigException(
                    StrataConfig.KAFKA_BOOTSTRAP_SERVERS,
                    config.invalid(StrataConfig.KAFKA_BOOTSTRAP_SERVERS, expected)
                                    .getMessage() + ": " + e.getMessage(),
                    e);
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .clusterId()
                    .get(timeoutMs + GUARD_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new ConfigException(
                    StrataConfig.KAFKA_BOOTSTRAP_SERVERS,
                    config.invalid(StrataConfig.KAFKA_BOOTSTRAP_SERVERS, expected)
                                    .getMessage() + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException(
                    StrataConfig.KAFKA_BOOTSTRAP_SERVERS, "Interrupted while checking kafka.bootstrap.servers", e);
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
