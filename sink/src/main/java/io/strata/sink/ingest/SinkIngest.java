package io.strata.sink.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.schemas.deadletter.DeadLetters;
import io.strata.schemas.serde.RecordDecodingException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The sink's Kafka side: a spring-kafka {@link ConcurrentMessageListenerContainer} (used programmatically, no
 * application context) with a batch listener that writes each poll into PostgreSQL in one transaction together with
 * the consumed offsets.
 *
 * <p>Input topics: {@code strata.metrics.raw} ({@code MetricBatch} into {@code metric_samples} by COPY BINARY),
 * {@code strata.metrics.hourly} and {@code strata.metrics.daily} ({@code MetricRollup} upserted into {@code
 * rollups_hourly}/{@code rollups_daily}), plus every {@link StateTopic} given. Output topic: {@code
 * strata.deadletter}.
 *
 * <ul>
 *   <li>Exactly once: offsets live in {@code sink_offsets}, written in the batch's transaction (fenced against a
 *       concurrent owner); on every assignment the consumer seeks to them. Kafka's committed offsets are also
 *       updated after each commit, for lag monitoring only.
 *   <li>Write-behind: a poll's transaction runs on a writer thread while the consumer polls and decodes the next
 *       one, at most one in flight per consumer, so offsets still commit in poll order; a failed transaction sends
 *       the consumer back to its first offset and the records are processed again synchronously ({@link
 *       IngestListener}).
 *   <li>Bad records (undecodable, invalid) go to the dead-letter topic with a reason header before the transaction
 *       commits; their offsets commit with the good rows. A crash between the two may duplicate a dead letter,
 *       never lose one. A poll's dead letters are sent together and awaited once ({@link DeadLetterPublisher}); when
 *       the broker refuses them, nothing of the poll commits and it is retried like a database outage.
 *   <li>Replays: a raw batch whose {@code sequence} is not above the last one written for its node (stored in
 *       {@code sink_node_sequences} with the rows, loaded with the offsets) is dead-lettered as {@code
 *       invalid.duplicate-sequence} ({@link NodeSequences}).
 *   <li>A record PostgreSQL rejects is found by retrying its batch record by record, retried a few times through
 *       spring-kafka's {@link DefaultErrorHandler} and then published by its {@link DeadLetterPublishingRecoverer}
 *       (its offset stored right after).
 *   <li>A database outage commits nothing: the same batch is retried with capped exponential backoff while the
 *       consumer is paused, until the database is back.
 *   <li>Nodes: a raw batch or a PostgresState of a node without a {@code system_nodes} row registers it (a probe's
 *       first records may come before its inventory, which fills in the rest); a rollup of an unknown node is
 *       dead-lettered ({@code invalid.unknown-node}). A rollup whose node's first raw batch has
 *       not been consumed yet counts as unknown, so after a long outage with both topics backed up, replay such
 *       dead letters.
 * </ul>
 */
public final class SinkIngest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkIngest.class);

    private final IngestSettings settings;
    private final IngestStats stats = new IngestStats();
    private final DefaultKafkaProducerFactory<byte[], byte[]> producerFactory;
    private final DefaultKafkaConsumerFactory<byte[], byte[]> consumerFactory;
    private final ConcurrentMessageListenerContainer<byte[], byte[]> container;
    private final List<String> topics;
    private final IngestListener listener;

    private SinkIngest(
            IngestSettings settings,
            DataSource dataSource,
            List<StateTopic<?>> stateTopics,
            PartitionPreparer partitions,
            Clock clock) {
        this.settings = settings;
        Jdbi jdbi = Jdbi.create(dataSource);
        SeriesRegistry registry = new SeriesRegistry();
        BatchProcessor processor = new BatchProcessor(settings, jdbi, registry, stateTopics, partitions, clock, stats);

        Map<String, Object> producerProps = new HashMap<>(settings.kafkaClientProperties());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-deadletter");
        producerFactory =
                new DefaultKafkaProducerFactory<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(producerFactory);
        DeadLetterPublisher deadLetters = new DeadLetterPublisher(
                template, (record, error) -> new TopicPartition(settings.deadLetterTopic(), -1));
        // The dead-letter contract is the strata.dlt.* headers (DeadLetterHeaders); Spring's own kafka_dlt-*
        // headers would repeat them, with a stack trace per record.
        deadLetters.excludeHeader(DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd.values());
        deadLetters.addHeadersFunction(SinkIngest::deadLetterHeaders);

        Set<String> subscribed =
                new LinkedHashSet<>(List.of(settings.rawTopic(), settings.hourlyTopic(), settings.dailyTopic()));
        stateTopics.forEach(topic -> subscribed.add(topic.topic()));
        topics = List.copyOf(subscribed);

        ContainerProperties properties = new ContainerProperties(topics.toArray(String[]::new));
        properties.setAckMode(ContainerProperties.AckMode.MANUAL);
        properties.setPollTimeout(settings.pollTimeout().toMillis());
        properties.setGroupId(settings.groupId());
        StoredOffsetSeeker seeker = new StoredOffsetSeeker(
                jdbi,
                processor.offsets(),
                processor.sequences(),
                settings.retryInitial(),
                settings.retryMax(),
                this::isRunning);
        listener = new IngestListener(processor, deadLetters, seeker);
        properties.setConsumerRebalanceListener(listener);
        properties.setMessageListener(listener);
        // Every empty poll is an "idle" event: the listener then settles the write in flight, so that a failed
        // transaction is read again without waiting for new records.
        properties.setIdleEventInterval(1L);

        consumerFactory = consumerFactory(settings);
        container = new ConcurrentMessageListenerContainer<>(consumerFactory, properties);
        container.setConcurrency(settings.concurrency());
        container.setBeanName("strata-sink-" + settings.groupId());
        container.setCommonErrorHandler(errorHandler(settings, processor, deadLetters));
        container.setApplicationEventPublisher(event -> {
            if (event instanceof ListenerContainerIdleEvent idle && idle.getConsumer() != null) {
                listener.onIdle(idle.getConsumer());
            }
        });
    }

    /**
     * A sink for the given settings, writing through {@code dataSource} (whose schema the Flyway migrations made).
     *
     * @param stateTopics further topics and their writers (inventory, pgstate, changes)
     * @param partitions creates missing partitions for a batch's time range
     */
    public static SinkIngest create(
            IngestSettings settings,
            DataSource dataSource,
            List<StateTopic<?>> stateTopics,
            PartitionPreparer partitions) {
        return create(settings, dataSource, stateTopics, partitions, Clock.systemUTC());
    }

    /** As {@link #create(IngestSettings, DataSource, List, PartitionPreparer)}, validating time against {@code clock}. */
    public static SinkIngest create(
            IngestSettings settings,
            DataSource dataSource,
            List<StateTopic<?>> stateTopics,
            PartitionPreparer partitions,
            Clock clock) {
        return new SinkIngest(
                Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(dataSource, "dataSource"),
                List.copyOf(Objects.requireNonNull(stateTopics, "stateTopics")),
                Objects.requireNonNull(partitions, "partitions"),
                Objects.requireNonNull(clock, "clock"));
    }

    /** Publishes the Kafka consumers' own metrics (lag, fetch rates) to {@code registry}; call before {@link #start()}. */
    public void bindMetrics(MeterRegistry registry) {
        consumerFactory.addListener(new MicrometerConsumerListener<>(Objects.requireNonNull(registry, "registry")));
    }

    /** Starts consuming. */
    public void start() {
        LOG.info(
                "Sink consuming {} as group {} ({} thread(s)), dead letters to {}",
                topics,
                settings.groupId(),
                settings.concurrency(),
                settings.deadLetterTopic());
        container.start();
    }

    /** Stops consuming; waits for the current batch, and the transaction in flight, to finish. */
    public void stop() {
        if (container.isRunning()) {
            container.stop();
        }
        listener.close();
        LOG.info("Sink stopped: {}", stats);
    }

    /** Whether the container runs. */
    public boolean isRunning() {
        return container.isRunning();
    }

    /** What was written so far. */
    public IngestStats stats() {
        return stats;
    }

    /** The topics consumed. */
    public List<String> topics() {
        return topics;
    }

    @Override
    public void close() {
        stop();
        producerFactory.destroy();
    }

    private static DefaultKafkaConsumerFactory<byte[], byte[]> consumerFactory(IngestSettings settings) {
        Map<String, Object> props = new HashMap<>(settings.kafkaClientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        return new DefaultKafkaConsumerFactory<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Transient database failures: capped exponential backoff without end. Anything else (a rejected record, a bug):
     * a few fixed retries, then the dead-letter recoverer.
     */
    private DefaultErrorHandler errorHandler(
            IngestSettings settings, BatchProcessor processor, DeadLetterPublishingRecoverer deadLetters) {
        ConsumerAwareRecordRecoverer recoverer = (record, consumer, error) -> {
            deadLetters.accept(record, consumer, error);
            stats.deadLettered(reasonCode(error));
            storeRecoveredOffset(processor, record);
        };
        DefaultErrorHandler handler = new DefaultErrorHandler(
                recoverer, new FixedBackOff(settings.retryInitial().toMillis(), settings.recordAttempts()));
        ExponentialBackOff outage =
                new ExponentialBackOff(settings.retryInitial().toMillis(), 2.0);
        outage.setMaxInterval(settings.retryMax().toMillis());
        outage.setMaxElapsedTime(Long.MAX_VALUE);
        outage.setMaxAttempts(Long.MAX_VALUE);
        handler.setBackOffFunction((record, error) -> isOutage(error) ? outage : (BackOff) null);
        handler.addNotRetryableExceptions(PoisonRecordException.class);
        // Retries are expected (outages, rejected records); each is logged by the sink already.
        handler.setLogLevel(org.springframework.kafka.KafkaException.Level.WARN);
        return handler;
    }

    /** After the recoverer published a record, its offset is stored, so a restart does not publish it again. */
    private static void storeRecoveredOffset(BatchProcessor processor, ConsumerRecord<?, ?> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try {
            processor.jdbi().useTransaction(handle -> processor
                    .offsets()
                    .write(
                            handle.getConnection(),
                            Map.of(partition, new OffsetStore.Range(record.offset(), record.offset() + 1))));
        } catch (OffsetStore.OffsetConflictException e) {
            LOG.debug("Offset of recovered {} already stored past it", BatchProcessor.describe(record));
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("Cannot store the offset of a dead-lettered record", e);
        }
    }

    private static boolean isOutage(Exception error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (current instanceof DatabaseUnavailableException
                    || current instanceof DeadLetterTopicUnavailableException) {
                return true;
            }
        }
        return false;
    }

    static String reasonCode(Throwable error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (current instanceof PoisonRecordException poison) {
                return poison.reason();
            }
            if (current instanceof RecordDecodingException decoding) {
                return decoding.reason().code();
            }
            if (current instanceof SQLException sql) {
                return Rejection.DATABASE_REJECTED;
            }
        }
        return DeadLetters.REASON_ERROR;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        List<Throwable> seen = new ArrayList<>();
        while (cause.getCause() != null && !seen.contains(cause.getCause())) {
            seen.add(cause);
            if (cause instanceof PoisonRecordException) {
                return cause;
            }
            cause = cause.getCause();
        }
        return cause;
    }

    private static Headers deadLetterHeaders(ConsumerRecord<?, ?> record, Exception error) {
        Throwable cause = rootCause(error);
        return DeadLetters.headers(
                "strata-sink",
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                reasonCode(error),
                cause);
    }

    /** For tests: the container, to watch assignments. */
    ConcurrentMessageListenerContainer<byte[], byte[]> container() {
        return container;
    }
}
