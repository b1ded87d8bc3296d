package io.strata.e2e.corpus;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import io.strata.e2e.corpus.CorpusCase.Outcome;
import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.ChangeType;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.MetricSeries;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.avro.PostgresSetting;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.avro.RollupTier;
import io.strata.schemas.avro.SystemNode;
import io.strata.schemas.hash.ContentHash;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import io.strata.schemas.sketch.SketchProtobuf;
import io.strata.schemas.topic.TopicCatalog;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * The corpus, defined in code: every case, its bytes and what the pipeline must do with it. {@link CorpusWriter}
 * writes it to {@code src/test/resources/corpus}; {@code CorpusFilesTest} checks the committed files still equal
 * what this class generates. Everything is a pure function of the constants below, so the bytes never change.
 *
 * <p><b>Time.</b> Records carry timestamps around the fixed {@link #REFERENCE} instant, not the wall clock, so that
 * the committed bytes stay valid. The sink validates time against a clock that reads {@link #SINK_NOW} when the
 * test starts (it takes a {@code Clock}); the streams application checks the future against the real wall clock,
 * which is after {@link #REFERENCE}, and keeps its own event-time clock from the samples.
 */
final class Corpus {

    /** The instant the corpus' good data starts at (a UTC day start, so days and hours align). */
    static final Instant REFERENCE = Instant.parse("2026-11-01T00:00:00Z");

    /** The good fleet: 4 nodes of 6 series, one batch per node every 10 minutes. */
    static final SimulatedFleet FLEET = SimulatedFleet.of(7, 4, 6, Duration.ofMinutes(10));

    /** Good ticks per node: 30 hours, so the first day and 29 hours close in the streams application. */
    static final int GOOD_TICKS = 180;

    /** The end of the good data; the sink's clock starts here. */
    static final Instant SINK_NOW = REFERENCE.plus(FLEET.interval().multipliedBy(GOOD_TICKS));

    /** Where the bad samples are stamped: an hour and a day the streams application closes during the test. */
    static final Instant BAD_SAMPLE_TIME = REFERENCE.plus(Duration.ofMinutes(125));

    /** The tick of node 0 whose batch the duplicated-sequence case replays; its sequence is the tick + 1. */
    static final int DUPLICATED_TICK = 5;

    /** Ten years, as 3652 days (leap days included). */
    static final Duration TEN_YEARS = Duration.ofDays(3652);

    /** Legal but hostile text: SQL, quotes, backslashes, COPY escapes, control characters, separators, emoji. */
    static final String HOSTILE = "'; DROP TABLE metric_samples; -- \"q\" \\N \\\\ \t|\n|\r\n|\u0001\u001b[31m\u007f"
            + "|\u0085\u2028\u2029|\uFEFF|Grüße ✓ \uD83D\uDE00 $1 %s {} []";

    /** A hostile node id (the Kafka key and {@code system_nodes.node_key}). */
    static final String HOSTILE_NODE = "corpus-verbatim'\"\\\t\u0001; DROP TABLE system_nodes; --";

    /** A hostile label key. */
    static final String HOSTILE_LABEL_KEY = "k'ey\t\"\\\n\u0002";

    static final int LABELS_10000 = 10_000;
    static final int ONE_MB = 1_000_000;

    static final String RAW = TopicCatalog.METRICS_RAW;
    static final String HOURLY = TopicCatalog.METRICS_HOURLY;
    static final String DAILY = TopicCatalog.METRICS_DAILY;
    static final String INVENTORY = TopicCatalog.INVENTORY;
    static final String PGSTATE = TopicCatalog.PGSTATE;
    static final String CHANGES = TopicCatalog.CHANGES;

    /** The fake fingerprint of the wrong-fingerprint cases (little-endian in bytes 2..9). */
    private static final long UNKNOWN_FINGERPRINT = 0x0123456789ABCDEFL;

    private static final Component SINK = Component.SINK;
    private static final Component STREAMS = Component.STREAMS;

    private final Map<String, CorpusCase> cases = new LinkedHashMap<>();
    private final Map<String, Supplier<byte[]>> bytes = new LinkedHashMap<>();

    private Corpus() {
        raw();
        rollups("hourly", HOURLY, RollupTier.HOURLY);
        rollups("daily", DAILY, RollupTier.DAILY);
        inventory();
        pgstate();
        changes();
    }

    /** The corpus. */
    static Corpus build() {
        return new Corpus();
    }

    /** Every case, in injection order. */
    List<CorpusCase> cases() {
        return List.copyOf(cases.values());
    }

    /** A case by name. */
    CorpusCase get(String name) {
        CorpusCase found = cases.get(name);
        if (found == null) {
            throw new IllegalArgumentException("No corpus case " + name);
        }
        return found;
    }

    /** The bytes of a case, freshly generated. */
    byte[] bytes(String name) {
        Supplier<byte[]> supplier = bytes.get(name);
        if (supplier == null) {
            throw new IllegalArgumentException("No corpus case " + name);
        }
        return supplier.get();
    }

    // ---------------------------------------------------------------- strata.metrics.raw

    private void raw() {
        MetricBatch valid = badBatch("corpus-raw", sample("valid", Map.of(), 1.0, BAD_SAMPLE_TIME));
        undecodable("raw", RAW, valid, rollup("corpus-raw", series("wrong-type", Map.of()), RollupTier.HOURLY), true);

        rawInvalid("raw/value-nan", "a sample value is NaN", Double.NaN, BAD_SAMPLE_TIME, "invalid.non-finite", true);
        rawInvalid(
                "raw/value-positive-infinity",
                "a sample value is +Infinity",
                Double.POSITIVE_INFINITY,
                BAD_SAMPLE_TIME,
                "invalid.non-finite",
                true);
        rawInvalid(
                "raw/value-negative-infinity",
                "a sample value is -Infinity",
                Double.NEGATIVE_INFINITY,
                BAD_SAMPLE_TIME,
                "invalid.non-finite",
                true);
        // Streams accepts a sample 10 years old but ignores it as beyond the hourly retention (counted, logged).
        rawInvalid(
                "raw/timestamp-minus-10y",
                "a sample stamped 10 years before the data",
                1.0,
                BAD_SAMPLE_TIME.minus(TEN_YEARS),
                "invalid.timestamp-too-old",
                false);
        rawInvalid(
                "raw/timestamp-plus-10y",
                "a sample stamped 10 years after the data",
                1.0,
                BAD_SAMPLE_TIME.plus(TEN_YEARS),
                "invalid.timestamp-in-future",
                true);

        rawStored(
                "raw/label-value-empty",
                "a label whose value is the empty string (legal)",
                "corpus-empty-label-value",
                sample("empty-label-value", Map.of("empty", ""), 2.5, BAD_SAMPLE_TIME));
        rawStored(
                "raw/sql-and-control-characters",
                "SQL, quotes, backslashes and control characters in the node id and name, category, metric name,"
                        + " unit and labels (legal: stored verbatim)",
                HOSTILE_NODE,
                MetricSample.newBuilder()
                        .setCategory("corpus " + HOSTILE)
                        .setName("name " + HOSTILE)
                        .setLabels(hostileLabels())
                        .setValue(3.75)
                        .setUnit("unit " + HOSTILE)
                        .setKind(MetricKind.GAUGE)
                        .setTimestamp(BAD_SAMPLE_TIME)
                        .build());

        // Both apply the same series bounds (io.strata.schemas.validate): each dead-letters these with the same code.
        rawSeriesInvalid(
                "raw/label-key-empty",
                "a label whose key is the empty string",
                false,
                () -> sample("label-key-empty", Map.of("", "v"), 1.0, BAD_SAMPLE_TIME),
                "invalid.empty-name");
        rawSeriesInvalid(
                "raw/label-value-1mb",
                "a label value of 1,000,000 characters (limit 1024)",
                true,
                () -> sample("label-value-1mb", Map.of("big", "x".repeat(ONE_MB)), 1.0, BAD_SAMPLE_TIME),
                "invalid.label-value-too-long");
        rawSeriesInvalid(
                "raw/labels-10000",
                "a sample with 10,000 labels (limit 32)",
                true,
                () -> sample("labels-10000", manyLabels(), 1.0, BAD_SAMPLE_TIME),
                "invalid.too-many-labels");
        rawSeriesInvalid(
                "raw/nul-in-label-value",
                "U+0000 in a label value (PostgreSQL text cannot hold it)",
                false,
                () -> sample("nul-in-label-value", Map.of("nul", "a\u0000b"), 1.0, BAD_SAMPLE_TIME),
                "invalid.nul-character");
        rawSeriesInvalid(
                "raw/nul-in-metric-name",
                "U+0000 in a metric name",
                false,
                () -> sample("nul\u0000name", Map.of(), 1.0, BAD_SAMPLE_TIME),
                "invalid.nul-character");

        // A byte-exact replay of a good batch of node 0, injected after later batches of that node.
        add(
                new CorpusCase(
                        "raw/duplicate-sequence",
                        RAW,
                        FLEET.nodeId(0),
                        "a replay of node 0's batch with sequence " + (DUPLICATED_TICK + 1)
                                + " (byte-identical) after later batches; streams skips it silently",
                        false,
                        Outcome.DEAD_LETTERED,
                        List.of(new ExpectedDeadLetter(RAW, SINK, "invalid.duplicate-sequence"))),
                () -> serialize(duplicatedBatch()));
    }

    /** The good batch that {@code raw/duplicate-sequence} replays. */
    static MetricBatch duplicatedBatch() {
        return FLEET.batch(0, REFERENCE.plus(FLEET.interval().multipliedBy(DUPLICATED_TICK)), DUPLICATED_TICK + 1);
    }

    private void rawInvalid(
            String name, String description, double value, Instant at, String reason, boolean streamsDeadLetters) {
        String node = nodeOf(name);
        List<ExpectedDeadLetter> expected = new ArrayList<>(List.of(new ExpectedDeadLetter(RAW, SINK, reason)));
        if (streamsDeadLetters) {
            expected.add(new ExpectedDeadLetter(RAW, STREAMS, reason));
        }
        add(
                new CorpusCase(name, RAW, node, description, false, Outcome.DEAD_LETTERED, expected),
                () -> serialize(badBatch(node, sample(name.substring(4), Map.of(), value, at))));
    }

    private void rawStored(String name, String description, String node, MetricSample sample) {
        add(
                new CorpusCase(name, RAW, node, description, false, Outcome.STORED, List.of()),
                () -> serialize(badBatch(node, sample)));
    }

    private void rawSeriesInvalid(
            String name, String description, boolean generated, Supplier<MetricSample> sample, String reason) {
        String node = nodeOf(name);
        add(
                new CorpusCase(
                        name,
                        RAW,
                        node,
                        description + "; the sink and streams both dead-letter it",
                        generated,
                        Outcome.DEAD_LETTERED,
                        List.of(
                                new ExpectedDeadLetter(RAW, SINK, reason),
                                new ExpectedDeadLetter(RAW, STREAMS, reason))),
                () -> serialize(badBatch(node, sample.get())));
    }

    /** The bad batches' node: one per case, so that no check on one node's history (sequence) mixes them up. */
    static String nodeOf(String caseName) {
        return "corpus-" + caseName.replace('/', '-');
    }

    private static MetricBatch badBatch(String node, MetricSample sample) {
        return MetricBatch.newBuilder()
                .setNodeId(node)
                .setNodeName(node.equals(HOSTILE_NODE) ? "name " + HOSTILE : node + ".corpus.strata.local")
                .setCollectedAt(REFERENCE.plus(Duration.ofMinutes(125)))
                .setSequence(1)
                .setIntervalMs(FLEET.interval().toMillis())
                .setSamples(List.of(sample))
                .build();
    }

    private static MetricSample sample(String name, Map<String, String> labels, double value, Instant at) {
        return MetricSample.newBuilder()
                .setCategory("corpus")
                .setName(name)
                .setLabels(labels)
                .setValue(value)
                .setUnit("count")
                .setKind(MetricKind.GAUGE)
                .setTimestamp(at)
                .build();
    }

    /** Two labels in a fixed order (Avro writes a map in its iteration order; {@code Map.of} has none). */
    static Map<String, String> hostileLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(HOSTILE_LABEL_KEY, HOSTILE);
        labels.put("plain", "v");
        return labels;
    }

    private static Map<String, String> manyLabels() {
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < LABELS_10000; i++) {
            labels.put(String.format("label-%05d", i), "value-" + i);
        }
        return labels;
    }

    // ---------------------------------------------------------------- strata.metrics.hourly / daily

    private void rollups(String kind, String topic, RollupTier tier) {
        String node = FLEET.nodeId(1); // registered by its inventory and raw batches before rollups are sent
        undecodable(
                kind,
                topic,
                rollup(node, series("valid", Map.of()), tier),
                badBatch(node, sample("wrong-type", Map.of(), 1.0, BAD_SAMPLE_TIME)),
                false);
        rollupInvalid(kind, topic, "sum-nan", "the sum is NaN", "invalid.non-finite", false, () -> {
            MetricRollup r = rollup(node, series("sum-nan", Map.of()), tier);
            r.setSum(Double.NaN);
            return r;
        });
        rollupInvalid(kind, topic, "max-positive-infinity", "max is +Infinity", "invalid.non-finite", false, () -> {
            MetricRollup r = rollup(node, series("max-positive-infinity", Map.of()), tier);
            r.setMax(Double.POSITIVE_INFINITY);
            return r;
        });
        rollupInvalid(kind, topic, "min-negative-infinity", "min is -Infinity", "invalid.non-finite", false, () -> {
            MetricRollup r = rollup(node, series("min-negative-infinity", Map.of()), tier);
            r.setMin(Double.NEGATIVE_INFINITY);
            return r;
        });
        rollupInvalid(
                kind,
                topic,
                "bucket-minus-10y",
                "the bucket is 10 years before the data",
                "invalid.timestamp-too-old",
                false,
                () -> shifted(rollup(node, series("bucket-minus-10y", Map.of()), tier), TEN_YEARS.negated()));
        rollupInvalid(
                kind,
                topic,
                "bucket-plus-10y",
                "the bucket is 10 years after the data",
                "invalid.timestamp-in-future",
                false,
                () -> shifted(rollup(node, series("bucket-plus-10y", Map.of()), tier), TEN_YEARS));
        rollupInvalid(
                kind,
                topic,
                "labels-10000",
                "a series with 10,000 labels (limit 32)",
                "invalid.too-many-labels",
                true,
                () -> rollup(node, series("labels-10000", manyLabels()), tier));
        String unknown = "corpus-unknown-node-" + kind;
        add(
                new CorpusCase(
                        kind + "/unknown-node",
                        topic,
                        unknown,
                        "a rollup of a node that never sent inventory or raw batches",
                        false,
                        Outcome.DEAD_LETTERED,
                        List.of(new ExpectedDeadLetter(topic, SINK, "invalid.unknown-node"))),
                () -> serialize(rollup(unknown, series("unknown-node", Map.of()), tier)));
        add(
                new CorpusCase(
                        kind + "/sql-and-control-characters",
                        topic,
                        node,
                        "SQL, quotes, backslashes and control characters in the series' category, name, unit and"
                                + " labels (legal: stored verbatim)",
                        false,
                        Outcome.STORED,
                        List.of()),
                () -> serialize(rollup(node, hostileSeries(), tier)));
    }

    private void rollupInvalid(
            String kind,
            String topic,
            String name,
            String description,
            String reason,
            boolean generated,
            Supplier<MetricRollup> rollup) {
        add(
                new CorpusCase(
                        kind + "/" + name,
                        topic,
                        FLEET.nodeId(1),
                        description,
                        generated,
                        Outcome.DEAD_LETTERED,
                        List.of(new ExpectedDeadLetter(topic, SINK, reason))),
                () -> serialize(rollup.get()));
    }

    /** The series of {@code hourly|daily/sql-and-control-characters}. */
    static MetricSeries hostileSeries() {
        return MetricSeries.newBuilder()
                .setCategory("corpus " + HOSTILE)
                .setName("rollup " + HOSTILE)
                .setLabels(Map.of(HOSTILE_LABEL_KEY, HOSTILE))
                .setUnit("unit " + HOSTILE)
                .setKind(MetricKind.GAUGE)
                .build();
    }

    private static MetricSeries series(String name, Map<String, String> labels) {
        return MetricSeries.newBuilder()
                .setCategory("corpus")
                .setName(name)
                .setLabels(labels)
                .setUnit("count")
                .setKind(MetricKind.GAUGE)
                .build();
    }

    /** A valid rollup of 4 samples (1, 2, 3, 4) in the corpus' hour (hourly) or day (daily). */
    static MetricRollup rollup(String node, MetricSeries series, RollupTier tier) {
        Instant start = tier == RollupTier.HOURLY ? REFERENCE.plus(Duration.ofHours(2)) : REFERENCE;
        Instant end = start.plus(tier == RollupTier.HOURLY ? Duration.ofHours(1) : Duration.ofDays(1));
        DDSketch sketch = DDSketches.logarithmicCollapsingLowestDense(0.01, 2048);
        for (double v = 1; v <= 4; v++) {
            sketch.accept(v);
        }
        return MetricRollup.newBuilder()
                .setNodeId(node)
                .setSeries(series)
                .setTier(tier)
                .setBucketStart(start)
                .setBucketEnd(end)
                .setCount(4)
                .setSum(10)
                .setMin(1)
                .setMax(4)
                .setFirst(1)
                .setLast(4)
                .setIncrease(null)
                .setSketch(ByteBuffer.wrap(SketchProtobuf.encode(sketch)))
                .setRevision(1)
                .setSamplesExpected(null)
                .build();
    }

    private static MetricRollup shifted(MetricRollup rollup, Duration by) {
        rollup.setBucketStart(rollup.getBucketStart().plus(by));
        rollup.setBucketEnd(rollup.getBucketEnd().plus(by));
        return rollup;
    }

    // ---------------------------------------------------------------- strata.inventory

    private void inventory() {
        NodeInventory valid = inventory("corpus-inventory", "corpus-inventory.corpus.strata.local");
        undecodable("inventory", INVENTORY, valid, changeEvent("corpus-inventory-wrong-type", "wrong type"), true);
        add(
                new CorpusCase(
                        "inventory/sql-and-control-characters",
                        INVENTORY,
                        HOSTILE_NODE + "-inventory",
                        "SQL, quotes, backslashes and control characters in the node id, node name and a service"
                                + " name (legal: stored verbatim, and so is the change event streams derives)",
                        false,
                        Outcome.STORED,
                        List.of()),
                () -> serialize(inventory(HOSTILE_NODE + "-inventory", "inventory " + HOSTILE)));
        String nulNode = nodeOf("inventory/nul-in-node-name");
        add(
                new CorpusCase(
                        "inventory/nul-in-node-name",
                        INVENTORY,
                        nulNode,
                        "U+0000 in the node name (PostgreSQL text cannot hold it): the sink dead-letters it before"
                                + " the database; streams' registration change event carries the name and is"
                                + " dead-lettered too",
                        false,
                        Outcome.DEAD_LETTERED,
                        List.of(
                                new ExpectedDeadLetter(INVENTORY, SINK, "invalid.nul-character"),
                                new ExpectedDeadLetter(CHANGES, SINK, "invalid.nul-character"))),
                () -> serialize(inventory(nulNode, "nul\u0000name")));
    }

    /** An inventory like the fleet's node 0, under another node id and name. */
    static NodeInventory inventory(String nodeId, String nodeName) {
        NodeInventory base = FLEET.inventory(0);
        List<NodeService> services = new ArrayList<>(base.getServices());
        services.add(NodeService.newBuilder(services.get(0))
                .setServiceName("service " + nodeName)
                .build());
        NodeInventory inventory = NodeInventory.newBuilder(base)
                .setNodeId(nodeId)
                .setCollectedAt(REFERENCE)
                .setNode(SystemNode.newBuilder(base.getNode())
                        .setNodeName(nodeName)
                        .setHardwareUuid(null)
                        .setSerialNumber(null)
                        .build())
                .setServices(services)
                .build();
        inventory.setContentHash(ContentHash.of(inventory));
        return inventory;
    }

    // ---------------------------------------------------------------- strata.pgstate

    private void pgstate() {
        undecodable(
                "pgstate",
                PGSTATE,
                postgresState("corpus-pgstate", "18.1", "work_mem", "4MB"),
                inventory("corpus-pgstate-wrong-type", "wrong-type"),
                true);
        add(
                new CorpusCase(
                        "pgstate/sql-and-control-characters",
                        PGSTATE,
                        HOSTILE_NODE + "-pgstate",
                        "SQL, quotes, backslashes and control characters in the node id and a setting's name and"
                                + " value (legal: stored verbatim)",
                        false,
                        Outcome.STORED,
                        List.of()),
                () -> serialize(postgresState(HOSTILE_NODE + "-pgstate", "18.1", "corpus." + HOSTILE, HOSTILE)));
        String nulNode = nodeOf("pgstate/nul-in-setting");
        add(
                new CorpusCase(
                        "pgstate/nul-in-setting",
                        PGSTATE,
                        nulNode,
                        "U+0000 in the server version and a setting value: the sink dead-letters it before the"
                                + " database; streams' registration change event carries it and is dead-lettered too",
                        false,
                        Outcome.DEAD_LETTERED,
                        List.of(
                                new ExpectedDeadLetter(PGSTATE, SINK, "invalid.nul-character"),
                                new ExpectedDeadLetter(CHANGES, SINK, "invalid.nul-character"))),
                () -> serialize(postgresState(nulNode, "18\u0000.1", "work_mem", "4\u0000MB")));
    }

    /** A small PostgresState of one instance with one setting. */
    static PostgresState postgresState(String nodeId, String version, String setting, String value) {
        PostgresState state = PostgresState.newBuilder()
                .setNodeId(nodeId)
                .setInstance("127.0.0.1:5432")
                .setCollectedAt(REFERENCE)
                .setContentHash("")
                .setServerVersion(version)
                .setServerVersionNum(180001)
                .setInRecovery(false)
                .setSettings(List.of(PostgresSetting.newBuilder()
                        .setSettingName(setting)
                        .setSettingValue(value)
                        .setContext("user")
                        .setSource("configuration file")
                        .setRequiresRestart(false)
                        .build()))
                .setReplicationLinks(List.of())
                .setReplicationSlots(List.of())
                .setWalReceiver(null)
                .setSchemaObjects(List.of())
                .build();
        state.setContentHash(ContentHash.of(state));
        return state;
    }

    // ---------------------------------------------------------------- strata.changes

    private void changes() {
        undecodable(
                "changes",
                CHANGES,
                changeEvent("corpus-changes", "valid"),
                postgresState("corpus-changes-wrong-type", "18.1", "work_mem", "4MB"),
                false);
        add(
                new CorpusCase(
                        "changes/sql-and-control-characters",
                        CHANGES,
                        HOSTILE_NODE + "-changes",
                        "SQL, quotes, backslashes and control characters in every string field (legal: stored"
                                + " verbatim)",
                        false,
                        Outcome.STORED,
                        List.of()),
                () -> serialize(changeEvent(HOSTILE_NODE + "-changes", HOSTILE)));
        add(
                new CorpusCase(
                        "changes/nul-in-description",
                        CHANGES,
                        "corpus-changes-nul",
                        "U+0000 in the description: the sink dead-letters it before the database",
                        false,
                        Outcome.DEAD_LETTERED,
                        List.of(new ExpectedDeadLetter(CHANGES, SINK, "invalid.nul-character"))),
                () -> serialize(changeEvent("corpus-changes-nul", "nul\u0000description")));
    }

    /** A change event whose id is derived from the node and text, so the sink's insert is not a no-op. */
    static ChangeEvent changeEvent(String nodeId, String text) {
        return ChangeEvent.newBuilder()
                .setEventId("corpus-event-" + Integer.toHexString(Objects.hash(nodeId, text)))
                .setNodeId(nodeId)
                .setChangeType(ChangeType.CONFIGURATION)
                .setChangeCategory("category " + text)
                .setTableAffected("table " + text)
                .setRecordKey("record " + text)
                .setChangeDescription("description " + text)
                .setOldValue("old " + text)
                .setNewValue("{\"new\": " + jsonString(text) + "}")
                .setChangedBy("by " + text)
                .setChangeReason("reason " + text)
                .setVerificationStatus("pending")
                .setDetectedAt(REFERENCE)
                .build();
    }

    /** {@code text} as a JSON string literal. */
    static String jsonString(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    // ---------------------------------------------------------------- decode-level cases of every topic

    /**
     * The three decode-level cases of a topic: {@code valid} cut in half, {@code valid} with an unknown schema
     * fingerprint, and {@code otherType} (a valid record of another Strata type).
     */
    private void undecodable(
            String kind, String topic, SpecificRecord valid, SpecificRecord otherType, boolean streamsReads) {
        decodeCase(
                kind + "/truncated",
                topic,
                "a valid record cut after half its bytes",
                "decode.truncated",
                streamsReads,
                () -> {
                    byte[] full = serialize(valid);
                    return Arrays.copyOf(full, full.length / 2);
                });
        decodeCase(
                kind + "/wrong-fingerprint",
                topic,
                "a valid record whose schema fingerprint is one no Strata schema has",
                "decode.unknown-fingerprint",
                streamsReads,
                () -> {
                    byte[] full = serialize(valid);
                    ByteBuffer.wrap(full, 2, 8)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .putLong(UNKNOWN_FINGERPRINT);
                    return full;
                });
        decodeCase(
                kind + "/wrong-record-type",
                topic,
                "a valid " + otherType.getSchema().getName() + " (a schema Strata knows, of the wrong record type)",
                "decode.wrong-record-type",
                streamsReads,
                () -> serialize(otherType));
    }

    private void decodeCase(
            String name, String topic, String description, String reason, boolean streamsReads, Supplier<byte[]> b) {
        List<ExpectedDeadLetter> expected = new ArrayList<>(List.of(new ExpectedDeadLetter(topic, SINK, reason)));
        if (streamsReads) {
            expected.add(new ExpectedDeadLetter(topic, STREAMS, reason));
        }
        add(new CorpusCase(name, topic, nodeOf(name), description, false, Outcome.DEAD_LETTERED, expected), b);
    }

    private void add(CorpusCase corpusCase, Supplier<byte[]> supplier) {
        if (cases.putIfAbsent(corpusCase.name(), corpusCase) != null) {
            throw new IllegalStateException("Duplicate corpus case " + corpusCase.name());
        }
        bytes.put(corpusCase.name(), supplier);
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> byte[] serialize(T record) {
        return AvroSerdes.forType((Class<T>) record.getClass()).serialize(record);
    }
}
