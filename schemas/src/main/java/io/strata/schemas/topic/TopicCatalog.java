package io.strata.schemas.topic;

import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.retention.RetentionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strata's topics as code: the contract that producers, Streams, the sink and downstream consumers share.
 *
 * <table>
 *   <caption>Topics</caption>
 *   <tr><th>topic</th><th>cleanup</th><th>retention</th></tr>
 *   <tr><td>{@value #METRICS_RAW}</td><td>delete</td><td>{@code retention.raw}</td></tr>
 *   <tr><td>{@value #METRICS_HOURLY}</td><td>delete</td><td>{@code retention.hourly}</td></tr>
 *   <tr><td>{@value #METRICS_DAILY}</td><td>delete</td><td>{@code retention.daily}</td></tr>
 *   <tr><td>{@value #INVENTORY}</td><td>compact</td><td>latest per key</td></tr>
 *   <tr><td>{@value #PGSTATE}</td><td>compact</td><td>latest per key</td></tr>
 *   <tr><td>{@value #CHANGES}</td><td>delete</td><td>forever ({@code retention.changes})</td></tr>
 *   <tr><td>{@value #DEADLETTER}</td><td>delete</td><td>{@code retention.deadletter}</td></tr>
 * </table>
 *
 * <p>Every topic has {@code message.timestamp.type=LogAppendTime}: time-based retention counts from when the broker
 * appended a record, never from the sample's event time, so a backfill or a node replaying a week-old spool is not
 * deleted on arrival. Event time lives in the payload.
 *
 * <p>Partitions come from {@value #PARTITIONS_KEY} (default 6), per topic from {@code topics.<topic>.partitions}; the
 * replication factor from {@value #REPLICATION_FACTOR_KEY} (default: the broker's).
 *
 * <p>{@link #reconcile(Admin)} creates missing topics and sets drifted configs back; it is idempotent.
 */
public final class TopicCatalog {

    /** Raw samples: one {@code MetricBatch} per collection tick of a node; key: node id. */
    public static final String METRICS_RAW = "strata.metrics.raw";
    /** Hourly rollups ({@code MetricRollup}); key: node id. */
    public static final String METRICS_HOURLY = "strata.metrics.hourly";
    /** Daily rollups ({@code MetricRollup}); key: node id. */
    public static final String METRICS_DAILY = "strata.metrics.daily";
    /** Node inventory ({@code NodeInventory}), latest per node; key: node id. */
    public static final String INVENTORY = "strata.inventory";
    /** PostgreSQL state ({@code PostgresState}), latest per instance; key: node id + instance. */
    public static final String PGSTATE = "strata.pgstate";
    /** Change events ({@code ChangeEvent}), kept forever by default; key: node id. */
    public static final String CHANGES = "strata.changes";
    /** Records that could not be decoded or validated, with the reason in headers; key: original key. */
    public static final String DEADLETTER = "strata.deadletter";

    /** Default partitions of every topic. */
    public static final String PARTITIONS_KEY = "topics.partitions";
    /** Replication factor of every topic; unset means the broker's {@code default.replication.factor}. */
    public static final String REPLICATION_FACTOR_KEY = "topics.replication-factor";

    private static final Logger LOG = LoggerFactory.getLogger(TopicCatalog.class);
    // Metadata reaches brokers shortly after the controller acknowledges a change: look again briefly (5 s at most).
    private static final int DESCRIBE_ATTEMPTS = 50;
    private static final Duration DESCRIBE_BACKOFF = Duration.ofMillis(100);

    private final Map<String, TopicSpec> topics;

    private TopicCatalog(List<TopicSpec> specs) {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            byName.put(spec.name(), spec);
        }
        this.topics = Collections.unmodifiableMap(byName);
    }

    /** The per-topic partitions key: {@code topics.strata.metrics.raw.partitions}. */
    public static String partitionsKey(String topic) {
        return "topics." + Objects.requireNonNull(topic, "topic") + ".partitions";
    }

    /**
     * The catalog as configured: retention from {@link RetentionPolicy#from(StrataConfig)}, partitions and
     * replication factor from the {@code topics.*} keys.
     *
     * @throws io.strata.schemas.config.ConfigException naming the key and value at fault
     */
    public static TopicCatalog from(StrataConfig config) {
        Objects.requireNonNull(config, "config");
        RetentionPolicy policy = RetentionPolicy.from(config);
        int defaultPartitions = atLeastOne(config, PARTITIONS_KEY, config.getInt(PARTITIONS_KEY));
        short replicationFactor = TopicSpec.BROKER_DEFAULT_REPLICATION;
        if (config.has(REPLICATION_FACTOR_KEY)) {
            int configured = config.getInt(REPLICATION_FACTOR_KEY);
            if (configured < 1 || configured > Short.MAX_VALUE) {
                throw config.invalid(REPLICATION_FACTOR_KEY, "an integer >= 1, or no value for the broker's default");
            }
            replicationFactor = (short) configured;
        }
        return build(
                policy,
                topic -> {
                    String key = partitionsKey(topic);
                    return config.has(key) ? atLeastOne(config, key, config.getInt(key)) : defaultPartitions;
                },
                replicationFactor);
    }

    /**
     * A catalog with the same partitions everywhere.
     *
     * @param policy the retention policy
     * @param partitions partitions of every topic
     * @param replicationFactor replication factor, or {@link TopicSpec#BROKER_DEFAULT_REPLICATION}
     */
    public static TopicCatalog of(RetentionPolicy policy, int partitions, short replicationFactor) {
        Objects.requireNonNull(policy, "policy");
        return build(policy, topic -> partitions, replicationFactor);
    }

    private static TopicCatalog build(
            RetentionPolicy policy, ToIntFunction<String> partitions, short replicationFactor) {
        List<TopicSpec> specs = new ArrayList<>();
        // Rollups are keyed by node id (so Streams needs no repartition), and a node has many (series, bucket)
        // rollups: log compaction would keep only the latest rollup per node. They are an upsert stream whose real
        // key, (series, bucket), is in the value; consumers upsert by it. So rollup topics use delete with the
        // tier's retention, like raw samples.
        specs.add(deleting(
                METRICS_RAW, partitions, replicationFactor, policy.raw().toMillis()));
        specs.add(deleting(
                METRICS_HOURLY, partitions, replicationFactor, policy.hourly().toMillis()));
        specs.add(deleting(
                METRICS_DAILY, partitions, replicationFactor, policy.daily().toMillis()));
        // Inventory and PostgreSQL state are "latest per key": compaction keeps exactly that, for any age.
        specs.add(compacted(INVENTORY, partitions, replicationFactor));
        specs.add(compacted(PGSTATE, partitions, replicationFactor));
        specs.add(deleting(
                CHANGES, partitions, replicationFactor, policy.changes().retentionMs()));
        specs.add(deleting(
                DEADLETTER, partitions, replicationFactor, policy.deadLetter().toMillis()));
        return new TopicCatalog(specs);
    }

    private static TopicSpec deleting(
            String name, ToIntFunction<String> partitions, short replication, long retentionMs) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
        configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name);
        return new TopicSpec(name, partitions.applyAsInt(name), replication, configs);
    }

    private static TopicSpec compacted(String name, ToIntFunction<String> partitions, short replication) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name);
        return new TopicSpec(name, partitions.applyAsInt(name), replication, configs);
    }

    private static int atLeastOne(StrataConfig config, String key, int value) {
        if (value < 1) {
            throw config.invalid(key, "an integer >= 1");
        }
        return value;
    }

    /** Every topic, in catalog order. */
    public List<TopicSpec> topics() {
        return List.copyOf(topics.values());
    }

    /**
     * One topic's spec.
     *
     * @throws IllegalArgumentException if the catalog has no such topic
     */
    public TopicSpec topic(String name) {
        TopicSpec spec = topics.get(Objects.requireNonNull(name, "name"));
        if (spec == null) {
            throw new IllegalArgumentException(
                    "not a Strata topic: " + name + " (expected one of " + topics.keySet() + ")");
        }
        return spec;
    }

    /**
     * Makes the cluster match the catalog: creates missing topics, sets drifted topic configs back (logged at WARN
     * with old and new value) and reports what it cannot fix. Running it again changes nothing.
     *
     * <p>A topic with fewer partitions than configured is reported, never grown: adding partitions changes which
     * partition a node id hashes to, so a node's records would be split across two partitions and lose their order
     * (and Streams' per-node state would move). An operator decides. More partitions than configured is fine.
     *
     * <p>Returns once the broker's metadata shows the topics created and the configs corrected.
     *
     * @throws TopicCatalogException if the cluster cannot be reached or refuses a request
     */
    public ReconcileReport reconcile(Admin admin) {
        Objects.requireNonNull(admin, "admin");
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        List<String> created = new ArrayList<>();
        List<TopicSpec> toCheck = new ArrayList<>();
        List<TopicSpec> missing = new ArrayList<>();
        for (TopicSpec spec : topics.values()) {
            (existing.contains(spec.name()) ? toCheck : missing).add(spec);
        }
        if (!missing.isEmpty()) {
            CreateTopicsResult result =
                    admin.createTopics(missing.stream().map(TopicSpec::newTopic).toList());
            for (TopicSpec spec : missing) {
                try {
                    result.values().get(spec.name()).get();
                    created.add(spec.name());
                    LOG.info(
                            "Created topic {} with {} partitions, replication {}, configs {}",
                            spec.name(),
                            spec.partitions(),
                            spec.explicitReplicationFactor()
                                    .map(String::valueOf)
                                    .orElse("broker default"),
                            spec.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new TopicCatalogException("Cannot create topic " + spec.name() + ": " + e.getCause(), e);
                    }
                    // Another instance created it between our listing and our request: check it like any other.
                    LOG.info("Topic {} was created concurrently by another client; checking its configs", spec.name());
                    toCheck.add(spec);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TopicCatalogException("Interrupted while creating topic " + spec.name(), e);
                }
            }
        }
        List<ConfigCorrection> corrected = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (!toCheck.isEmpty()) {
            checkExisting(admin, toCheck, corrected, warnings);
        }
        Map<String, Map<String, String>> written = new LinkedHashMap<>();
        created.forEach(name -> written.put(name, topics.get(name).configs()));
        corrected.forEach(c ->
                written.computeIfAbsent(c.topic(), t -> new LinkedHashMap<>()).put(c.key(), c.newValue()));
        awaitVisible(admin, written);
        ReconcileReport report = new ReconcileReport(created, corrected, warnings);
        if (report.isClean()) {
            LOG.info("All {} Strata topics match the catalog", topics.size());
        } else {
            LOG.info(
                    "Reconciled Strata topics: {} created, {} configs corrected, {} warnings",
                    created.size(),
                    corrected.size(),
                    warnings.size());
        }
        return report;
    }

    private void checkExisting(
            Admin admin, List<TopicSpec> specs, List<ConfigCorrection> corrected, List<String> warnings) {
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> descriptions = describe(admin, names);
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                .toList();
        Map<ConfigResource, Config> configs =
                await(admin.describeConfigs(resources).all(), "describe topic configs");

        Map<ConfigResource, Collection<AlterConfigOp>> alterations = new LinkedHashMap<>();
        List<ConfigCorrection> pending = new ArrayList<>();
        for (TopicSpec spec : specs) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
            Config actual = configs.get(resource);
            List<AlterConfigOp> ops = new ArrayList<>();
            spec.configs().forEach((key, desired) -> {
                ConfigEntry entry = actual == null ? null : actual.get(key);
                String found = entry == null ? null : entry.value();
                if (!desired.equals(found)) {
                    ops.add(new AlterConfigOp(new ConfigEntry(key, desired), AlterConfigOp.OpType.SET));
                    pending.add(new ConfigCorrection(spec.name(), key, found, desired));
                }
            });
            if (!ops.isEmpty()) {
                alterations.put(resource, ops);
            }
            checkLayout(spec, descriptions.get(spec.name()), warnings);
        }
        if (!alterations.isEmpty()) {
            await(admin.incrementalAlterConfigs(alterations).all(), "correct topic configs");
            for (ConfigCorrection correction : pending) {
                LOG.warn(
                        "Corrected topic {}: {} was {}, differing from the catalog; set to {}",
                        correction.topic(),
                        correction.key(),
                        correction.oldValue(),
                        correction.newValue());
            }
            corrected.addAll(pending);
        }
    }

    private static void checkLayout(TopicSpec spec, TopicDescription description, List<String> warnings) {
        int partitions = description.partitions().size();
        if (partitions < spec.partitions()) {
            String warning = "Topic " + spec.name() + " has " + partitions + " partitions but " + spec.partitions()
                    + " are configured; not increased automatically, because adding partitions moves node ids to other"
                    + " partitions and breaks per-node ordering. Recreate the topic, or set "
                    + partitionsKey(spec.name())
                    + "=" + partitions + " to accept it.";
            LOG.warn(warning);
            warnings.add(warning);
        } else if (partitions > spec.partitions()) {
            LOG.info(
                    "Topic {} has {} partitions, more than the {} configured; keeping them",
                    spec.name(),
                    partitions,
                    spec.partitions());
        }
        spec.explicitReplicationFactor().ifPresent(desired -> {
            int replicas = description.partitions().isEmpty()
                    ? 0
                    : description.partitions().get(0).replicas().size();
            if (replicas != desired) {
                String warning = "Topic " + spec.name() + " has replication factor " + replicas + " but " + desired
                        + " is configured; not changed automatically (that needs a partition reassignment).";
                LOG.warn(warning);
                warnings.add(warning);
            }
        });
    }

    /**
     * Waits until the broker's metadata shows what this run wrote. The controller acknowledges a creation or an
     * alteration before every broker has applied it; returning only once it is visible means that an app starting
     * right after (Streams checks its source topics) or a second reconcile sees the result, not the state before.
     */
    private static void awaitVisible(Admin admin, Map<String, Map<String, String>> expected) {
        if (expected.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = expected.keySet().stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                .toList();
        for (int attempt = 1; attempt <= DESCRIBE_ATTEMPTS; attempt++) {
            try {
                Map<ConfigResource, Config> configs =
                        admin.describeConfigs(resources).all().get();
                boolean visible = expected.entrySet().stream().allMatch(topic -> {
                    Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.getKey()));
                    return config != null
                            && topic.getValue().entrySet().stream().allMatch(want -> {
                                ConfigEntry entry = config.get(want.getKey());
                                return entry != null && want.getValue().equals(entry.value());
                            });
                });
                if (visible) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new TopicCatalogException(
                            "Cannot describe topics " + expected.keySet() + ": " + e.getCause(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicCatalogException("Interrupted while describing topics " + expected.keySet(), e);
            }
            pause();
        }
        LOG.warn("Topics {} reconciled, but the broker's metadata does not show it yet", expected.keySet());
    }

    private static void pause() {
        try {
            Thread.sleep(DESCRIBE_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicCatalogException("Interrupted while waiting for topic metadata", e);
        }
    }

    /** Describes topics, waiting briefly for one that another client has just created to become visible. */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> names) {
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeTopics(names).allTopicNames().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt >= DESCRIBE_ATTEMPTS) {
                    throw new TopicCatalogException("Cannot describe topics " + names + ": " + e.getCause(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicCatalogException("Interrupted while describing topics " + names, e);
            }
            pause();
        }
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new TopicCatalogException("Cannot " + what + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicCatalogException("Interrupted while trying to " + what, e);
        }
    }
}
