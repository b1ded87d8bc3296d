package io.strata.sink.ingest;

import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.retention.RetentionPolicy;
import io.strata.schemas.topic.TopicCatalog;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the sink's Kafka consumption: client properties, consumer group, dead-letter topic, validation bounds
 * and retry backoff. {@link #from(StrataConfig)} reads the {@code sink.*} keys of {@link #DEFAULTS_RESOURCE}.
 *
 * @param kafkaClientProperties every {@code kafka.*} key minus the prefix (bootstrap servers, TLS, SASL, ...)
 * @param groupId consumer group id; also the key of the stored offsets in {@code sink_offsets}
 * @param concurrency listener threads
 * @param maxPollRecords most records per poll, hence per database transaction
 * @param pollTimeout the consumer's poll timeout
 * @param deadLetterTopic where bad records go
 * @param rawTopic topic of {@code MetricBatch}
 * @param hourlyTopic topic of hourly {@code MetricRollup}s
 * @param dailyTopic topic of daily {@code MetricRollup}s
 * @param validation validation bounds
 * @param retryInitial first backoff after a database outage
 * @param retryMax longest backoff between retries
 * @param recordAttempts retries of a record PostgreSQL rejects, before it is dead-lettered
 */
public record IngestSettings(
        Map<String, Object> kafkaClientProperties,
        String groupId,
        int concurrency,
        int maxPollRecords,
        Duration pollTimeout,
        String deadLetterTopic,
        String rawTopic,
        String hourlyTopic,
        String dailyTopic,
        ValidationRules validation,
        Duration retryInitial,
        Duration retryMax,
        int recordAttempts) {

    /** Classpath resource with the defaults of every {@code sink.*} key read here; add it to the app's config. */
    public static final String DEFAULTS_RESOURCE = "io/strata/sink/ingest/ingest-defaults.properties";

    /** Validates the settings. */
    public IngestSettings {
        kafkaClientProperties = Map.copyOf(Objects.requireNonNull(kafkaClientProperties, "kafkaClientProperties"));
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(pollTimeout, "pollTimeout");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(rawTopic, "rawTopic");
        Objects.requireNonNull(hourlyTopic, "hourlyTopic");
        Objects.requireNonNull(dailyTopic, "dailyTopic");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(retryInitial, "retryInitial");
        Objects.requireNonNull(retryMax, "retryMax");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
        }
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("maxPollRecords must be >= 1, got " + maxPollRecords);
        }
        if (recordAttempts < 0) {
            throw new IllegalArgumentException("recordAttempts must be >= 0, got " + recordAttempts);
        }
        if (retryInitial.isNegative() || retryInitial.isZero() || retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException(
                    "Need 0 < retryInitial <= retryMax, got " + retryInitial + " and " + retryMax);
        }
    }

    /** The settings from configuration; the app's config must include {@link #DEFAULTS_RESOURCE}. */
    public static IngestSettings from(StrataConfig config) {
        Objects.requireNonNull(config, "config");
        RetentionPolicy retention = RetentionPolicy.from(config);
        Duration maxAge = config.find("sink.validation.max-age").isPresent()
                ? positive(config, "sink.validation.max-age")
                : retention.raw();
        ValidationRules rules = new ValidationRules(
                maxAge,
                config.getNonNegativeDuration("sink.validation.max-future"),
                positiveInt(config, "sink.validation.max-labels"),
                positiveInt(config, "sink.validation.max-label-key-length"),
                positiveInt(config, "sink.validation.max-label-value-length"),
                positiveInt(config, "sink.validation.max-name-length"),
                retention.hourly(),
                retention.daily());
        return new IngestSettings(
                config.kafkaClientProperties(),
                config.getString("sink.group-id"),
                positiveInt(config, "sink.concurrency"),
                positiveInt(config, "sink.max-poll-records"),
                positive(config, "sink.poll-timeout"),
                config.getString("sink.deadletter-topic"),
                TopicCatalog.METRICS_RAW,
                TopicCatalog.METRICS_HOURLY,
                TopicCatalog.METRICS_DAILY,
                rules,
                positive(config, "sink.retry.initial"),
                positive(config, "sink.retry.max"),
                config.getInt("sink.retry.record-attempts"));
    }

    /** The same settings with other topic names (tests use their own). */
    public IngestSettings withTopics(String raw, String hourly, String daily, String deadLetter) {
        return new IngestSettings(
                kafkaClientProperties,
                groupId,
                concurrency,
                maxPollRecords,
                pollTimeout,
                deadLetter,
                raw,
                hourly,
                daily,
                validation,
                retryInitial,
                retryMax,
                recordAttempts);
    }

    /** The same settings with another consumer group. */
    public IngestSettings withGroupId(String group) {
        return new IngestSettings(
                kafkaClientProperties,
                group,
                concurrency,
                maxPollRecords,
                pollTimeout,
                deadLetterTopic,
                rawTopic,
                hourlyTopic,
                dailyTopic,
                validation,
                retryInitial,
                retryMax,
                recordAttempts);
    }

    private static Duration positive(StrataConfig config, String key) {
        Duration value = config.getDuration(key);
        if (value.isZero() || value.isNegative()) {
            throw config.invalid(key, "a positive duration");
        }
        return value;
    }

    private static int positiveInt(StrataConfig config, String key) {
        int value = config.getInt(key);
        if (value < 1) {
            throw config.invalid(key, "a positive integer");
        }
        return value;
    }
}
