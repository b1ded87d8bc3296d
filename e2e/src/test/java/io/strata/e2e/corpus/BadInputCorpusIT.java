package io.strata.e2e.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.e2e.corpus.GoodLoad.Good;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import io.strata.schemas.topic.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Injects the committed corpus into every topic between good records, runs the real streams application and sink,
 * and checks that every bad record is dead-lettered exactly as the manifest says (once per consuming component,
 * pointing at the record, with its reason) and every good record is written, legal hostile strings verbatim.
 *
 * <p>Who dead-letters what: the sink reads all six topics and dead-letters what it cannot decode or what fails its
 * validation; the streams application reads raw, inventory and pgstate and dead-letters what it cannot decode, and
 * (rollups) a raw batch that fails the same checks as the sink's (shared bounds and reason codes), except that it
 * ignores a sample older than its hourly retention instead. A bad raw or state record both read is therefore
 * dead-lettered twice, once by each, told apart by {@code strata.dlt.source}; the change event streams derives from a
 * state record with U+0000 is rejected from {@code strata.changes}.
 */
@WithEmbeddedPostgres
class BadInputCorpusIT {

    private static final Duration HANG_GUARD = Duration.ofMinutes(3);
    private static final int FLEET_SAMPLES =
            Corpus.FLEET.nodeCount() * Corpus.FLEET.metricsPerNode() * Corpus.GOOD_TICKS;
    /** Hours the streams application closes: every full hour before the last event time minus grace. */
    private static final int CLOSED_HOURS = 29;

    private static CorpusPipeline pipeline;
    private static CorpusDirectory corpus;
    private static final Map<String, RecordMetadata> positions = new LinkedHashMap<>();
    private static List<ConsumerRecord<byte[], byte[]>> deadLetters;

    @BeforeAll
    static void runTheCorpusThroughThePipeline(EmbeddedPostgres postgres) {
        corpus = CorpusDirectory.load();
        pipeline = CorpusPipeline.create(postgres, "corpus_it", 2);
        pipeline.startStreams();
        pipeline.startSink();

        // The legal raw cases are rolled up, and the sink dead-letters a rollup of a node whose first raw batch it
        // has not consumed yet (documented in SinkIngest): their nodes are registered before streams can close
        // their hour, which takes the good data after them.
        List<CorpusCase> storedRaw = cases(Corpus.RAW).stream()
                .filter(c -> c.outcome() == CorpusCase.Outcome.STORED)
                .toList();
        inject(new ArrayList<>(storedRaw));
        CorpusPipeline.await("the legal raw cases' nodes registered", HANG_GUARD, () -> storedRaw.stream()
                .allMatch(c -> !pipeline.rows("SELECT 1 FROM system_nodes WHERE node_key = ?", c.key())
                        .isEmpty()));
        inject(GoodLoad.interleave(GoodLoad.inventories(), cases(Corpus.INVENTORY)));
        // A rollup of a node the sink has not registered yet is dead-lettered, the injected ones as well as those
        // streams makes from the raw batches below (it can close the first hours while the sink is still behind on
        // raw, e.g. on the 1 MB batch): rollups come only once the fleet is known, from its inventories.
        CorpusPipeline.await(
                "the fleet's nodes registered",
                HANG_GUARD,
                () -> pipeline.count("SELECT count(*) FROM system_nodes WHERE node_key LIKE 'sim-%'")
                        == Corpus.FLEET.nodeCount());
        inject(GoodLoad.interleave(GoodLoad.postgresStates(), cases(Corpus.PGSTATE)));
        inject(GoodLoad.interleave(GoodLoad.changes(), cases(Corpus.CHANGES)));
        inject(GoodLoad.interleave(
                GoodLoad.raw(Corpus.GOOD_TICKS),
                cases(Corpus.RAW).stream().filter(c -> !storedRaw.contains(c)).toList()));
        inject(GoodLoad.interleave(GoodLoad.hourly(), cases(Corpus.HOURLY)));
        inject(GoodLoad.interleave(GoodLoad.daily(), cases(Corpus.DAILY)));

        CorpusPipeline.await("streams caught up", HANG_GUARD, pipeline::streamsCaughtUp);
        CorpusPipeline.await(
                "the good raw samples written", HANG_GUARD, () -> fleetSamples() >= expectedFleetSamples());
        CorpusPipeline.await(
                "the closed hours and day rolled up",
                HANG_GUARD,
                () -> fleetRollups("rollups_hourly") >= (long) CLOSED_HOURS * fleetSeries()
                        && fleetRollups("rollups_daily") >= fleetSeries());
        int expected = expectedDeadLetterCount();
        CorpusPipeline.await(
                expected + " dead letters",
                HANG_GUARD,
                () -> pipeline.readAll(List.of(TopicCatalog.DEADLETTER)).size() >= expected);
        CorpusPipeline.await("the sink caught up", HANG_GUARD, () -> pipeline.sinkCaughtUp(CorpusPipeline.SINK_GROUP));
        deadLetters = pipeline.readAll(List.of(TopicCatalog.DEADLETTER));
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldDeadLetterEveryBadRecordExactlyAsTheManifestSays() {
        Map<String, List<ExpectedDeadLetter>> actual = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> deadLetter : deadLetters) {
            String name = caseOf(deadLetter);
            String source = header(deadLetter, DeadLetterHeaders.SOURCE);
            Optional<Component> component = Component.ofSource(source);
            if (component.isEmpty()) {
                unexpected.add("a dead letter with strata.dlt.source " + source + " at offset "
                        + header(deadLetter, DeadLetterHeaders.OFFSET));
                continue;
            }
            ExpectedDeadLetter found = new ExpectedDeadLetter(
                    header(deadLetter, DeadLetterHeaders.TOPIC),
                    component.get(),
                    header(deadLetter, DeadLetterHeaders.REASON));
            if (name == null) {
                unexpected.add(found.format() + " at offset " + header(deadLetter, DeadLetterHeaders.OFFSET) + ": "
                        + header(deadLetter, DeadLetterHeaders.ERROR_MESSAGE));
            } else {
                actual.computeIfAbsent(name, n -> new ArrayList<>()).add(found);
            }
        }
        assertThat(unexpected)
                .as("dead letters of no corpus case (a good record?) or of no known component")
                .isEmpty();
        for (CorpusCase c : corpus.cases()) {
            assertThat(sorted(actual.getOrDefault(c.name(), List.of())))
                    .as(c.name() + ": " + c.description())
                    .isEqualTo(sorted(c.deadLetters()));
        }
    }

    @Test
    void shouldKeepTheStreamsApplicationRunningThroughTheWholeCorpus() {
        // raw/label-value-1mb used to stop it for good: its hourly-bucket changelog record was too large for Kafka.
        assertThat(pipeline.streams().stopped()).isNotDone();
    }

    @Test
    void shouldKeepTheBadRecordsBytesKeyAndPositionInItsDeadLetters() {
        for (ConsumerRecord<byte[], byte[]> deadLetter : deadLetters) {
            String name = caseOf(deadLetter);
            if (name == null || !positions.containsKey(name)) {
                continue;
            }
            CorpusCase c = corpusCase(name);
            if (!header(deadLetter, DeadLetterHeaders.TOPIC).equals(c.topic())) {
                continue; // a derived record (rollup, change event): its own bytes
            }
            assertThat(deadLetter.value()).as(name).isEqualTo(corpus.bytes(c));
            assertThat(new String(deadLetter.key(), StandardCharsets.UTF_8))
                    .as(name)
                    .isEqualTo(c.key());
            assertThat(header(deadLetter, DeadLetterHeaders.PARTITION))
                    .isEqualTo(Integer.toString(positions.get(name).partition()));
            assertThat(header(deadLetter, DeadLetterHeaders.ERROR_MESSAGE))
                    .as(name)
                    .isNotBlank();
        }
    }

    @Test
    void shouldWriteEveryGoodRawSample() {
        for (int node = 0; node < Corpus.FLEET.nodeCount(); node++) {
            List<List<Object>> rows = pipeline.rows(
                    "SELECT count(*), sum(s.value) FROM metric_samples s JOIN metric_series m ON m.id = s.series_id"
                            + " JOIN system_nodes n ON n.id = m.node_id WHERE n.node_key = ?",
                    Corpus.FLEET.nodeId(node));
            long count = Corpus.FLEET.metricsPerNode() * (long) Corpus.GOOD_TICKS;
            double sum = GoodLoad.sum(node, 0, Corpus.GOOD_TICKS);
            assertThat(((Number) rows.get(0).get(0)).longValue())
                    .as("samples of node %d", node)
                    .isEqualTo(count);
            assertThat(((Number) rows.get(0).get(1)).doubleValue())
                    .as("sum of node %d", node)
                    .isEqualTo(sum);
        }
        assertThat(pipeline.count("SELECT count(*) FROM metric_samples s JOIN metric_series m ON m.id = s.series_id"
                        + " WHERE m.metric_category = 'corpus' AND m.metric_name <> 'empty-label-value'"))
                .as("samples of dead-lettered batches")
                .isZero();
    }

    @Test
    void shouldRollUpTheGoodSamplesUnaffectedByTheBadOnes() {
        for (int node = 0; node < Corpus.FLEET.nodeCount(); node++) {
            for (int s = 0; s < Corpus.FLEET.metricsPerNode(); s++) {
                var spec = Corpus.FLEET.series(node, s);
                String series = "SELECT r.bucket_start, r.sample_count, r.sum FROM %s r JOIN metric_series m ON"
                        + " m.id = r.series_id JOIN system_nodes n ON n.id = m.node_id WHERE n.node_key = ? AND"
                        + " m.metric_category = ? AND m.metric_name = ? AND m.labels = ?::jsonb AND r.bucket_start < ?"
                        + " ORDER BY r.bucket_start";
                String labels = labelsJson(spec.labels());
                List<List<Object>> hours = pipeline.rows(
                        series.formatted("rollups_hourly"),
                        Corpus.FLEET.nodeId(node),
                        spec.category(),
                        spec.name(),
                        labels,
                        Corpus.REFERENCE.plus(Duration.ofHours(CLOSED_HOURS)));
                assertThat(hours).as("hours of node %d series %d", node, s).hasSize(CLOSED_HOURS);
                for (int hour = 0; hour < CLOSED_HOURS; hour++) {
                    int ticksPerHour = 6;
                    // Streams skips the replayed batch (raw/duplicate-sequence): node 0's first hour counts once.
                    long count = ticksPerHour;
                    double sum = GoodLoad.seriesSum(node, s, hour * ticksPerHour, (hour + 1) * ticksPerHour);
                    assertThat(((Number) hours.get(hour).get(1)).longValue()).isEqualTo(count);
                    assertThat(((Number) hours.get(hour).get(2)).doubleValue())
                            .as("sum of node %d series %d hour %d", node, s, hour)
                            .isEqualTo(sum);
                }
                List<List<Object>> days = pipeline.rows(
                        series.formatted("rollups_daily"),
                        Corpus.FLEET.nodeId(node),
                        spec.category(),
                        spec.name(),
                        labels,
                        Corpus.REFERENCE.plus(Duration.ofDays(1)));
                double daySum = GoodLoad.seriesSum(node, s, 0, 144);
                assertThat(days).hasSize(1);
                assertThat(((Number) days.get(0).get(2)).doubleValue()).isEqualTo(daySum);
            }
        }
    }

    @Test
    void shouldStoreLegalHostileMetricStringsVerbatim() {
        String hostile = Corpus.HOSTILE;
        assertThat(pipeline.rows("SELECT node_name FROM system_nodes WHERE node_key = ?", Corpus.HOSTILE_NODE))
                .containsExactly(List.of("name " + hostile));
        List<List<Object>> series = pipeline.rows(
                "SELECT m.id, m.metric_name, m.metric_unit FROM metric_series m JOIN system_nodes n ON n.id = m.node_id"
                        + " WHERE n.node_key = ? AND m.metric_category = ?",
                Corpus.HOSTILE_NODE,
                "corpus " + hostile);
        assertThat(series).hasSize(1);
        assertThat(series.get(0).subList(1, 3)).containsExactly("name " + hostile, "unit " + hostile);
        assertThat(labels(((Number) series.get(0).get(0)).longValue())).isEqualTo(Corpus.hostileLabels());
        long seriesId = ((Number) series.get(0).get(0)).longValue();
        assertThat(pipeline.rows("SELECT value FROM metric_samples WHERE series_id = ?", seriesId))
                .containsExactly(List.of(3.75));
        // ... and its rollups, which streams made from the raw sample.
        assertThat(pipeline.rows("SELECT sample_count, sum FROM rollups_hourly WHERE series_id = ?", seriesId))
                .containsExactly(List.of(1L, 3.75));
        assertThat(pipeline.rows("SELECT sample_count, sum FROM rollups_daily WHERE series_id = ?", seriesId))
                .containsExactly(List.of(1L, 3.75));

        List<List<Object>> empty = pipeline.rows(
                "SELECT m.id FROM metric_series m JOIN system_nodes n ON n.id = m.node_id WHERE n.node_key = ?",
                "corpus-empty-label-value");
        assertThat(empty).hasSize(1);
        long emptyId = ((Number) empty.get(0).get(0)).longValue();
        assertThat(labels(emptyId)).isEqualTo(Map.of("empty", ""));
        assertThat(pipeline.rows("SELECT value FROM metric_samples WHERE series_id = ?", emptyId))
                .containsExactly(List.of(2.5));
        assertThat(pipeline.rows("SELECT sum FROM rollups_hourly WHERE series_id = ?", emptyId))
                .containsExactly(List.of(2.5));

        for (String table : List.of("rollups_hourly", "rollups_daily")) {
            List<List<Object>> rollup = pipeline.rows(
                    "SELECT m.id, m.metric_name, m.metric_unit, r.sum FROM " + table + " r JOIN metric_series m ON"
                            + " m.id = r.series_id WHERE m.metric_category = ? AND m.metric_name = ?",
                    "corpus " + hostile,
                    "rollup " + hostile);
            assertThat(rollup).as(table).hasSize(1);
            assertThat(rollup.get(0).subList(1, 4)).containsExactly("rollup " + hostile, "unit " + hostile, 10.0);
            assertThat(labels(((Number) rollup.get(0).get(0)).longValue()))
                    .isEqualTo(Map.of(Corpus.HOSTILE_LABEL_KEY, hostile));
        }
    }

    @Test
    void shouldWriteEveryGoodRollupAndStateRecordAndHostileStateVerbatim() {
        String hostile = Corpus.HOSTILE;
        assertThat(pipeline.rows(
                        "SELECT count(*), sum(r.sum) FROM rollups_hourly r JOIN metric_series m ON m.id = r.series_id"
                                + " WHERE m.metric_category = ?",
                        GoodLoad.ROLLUP_CATEGORY))
                .containsExactly(List.of(
                        (long) GoodLoad.HOURLY_PER_NODE * Corpus.FLEET.nodeCount(),
                        10.0 * GoodLoad.HOURLY_PER_NODE * Corpus.FLEET.nodeCount()));
        assertThat(pipeline.rows(
                        "SELECT count(*), sum(r.sum) FROM rollups_daily r JOIN metric_series m ON m.id = r.series_id"
                                + " WHERE m.metric_category = ?",
                        GoodLoad.ROLLUP_CATEGORY))
                .containsExactly(List.of(
                        (long) GoodLoad.DAILY_PER_NODE * Corpus.FLEET.nodeCount(),
                        10.0 * GoodLoad.DAILY_PER_NODE * Corpus.FLEET.nodeCount()));

        for (int node = 0; node < Corpus.FLEET.nodeCount(); node++) {
            assertThat(pipeline.rows(
                            "SELECT n.node_name, c.setting_value FROM system_nodes n JOIN postgresql_configuration c"
                                    + " ON c.node_id = n.id AND c.is_active WHERE n.node_key = ?",
                            Corpus.FLEET.nodeId(node)))
                    .containsExactly(List.of(Corpus.FLEET.nodeName(node), GoodLoad.workMem(node)));
        }
        for (int i = 0; i < GoodLoad.CHANGE_EVENTS; i++) {
            var event = GoodLoad.changeEvent(i);
            assertThat(pipeline.rows(
                            "SELECT change_description FROM change_log WHERE event_id = ?", event.getEventId()))
                    .containsExactly(List.of(event.getChangeDescription()));
        }

        String inventoryNode = Corpus.HOSTILE_NODE + "-inventory";
        assertThat(pipeline.rows("SELECT node_name FROM system_nodes WHERE node_key = ?", inventoryNode))
                .containsExactly(List.of("inventory " + hostile));
        assertThat(pipeline.rows(
                        "SELECT s.service_name FROM services s JOIN system_nodes n ON n.id = s.node_id"
                                + " WHERE n.node_key = ? AND s.service_name LIKE 'service %'",
                        inventoryNode))
                .containsExactly(List.of("service inventory " + hostile));
        assertThat(pipeline.rows(
                        "SELECT change_type FROM change_log WHERE node_key = ? AND strpos(change_description, ?) > 0",
                        inventoryNode,
                        "inventory " + hostile))
                .as("the registration event streams derived")
                .containsExactly(List.of("node"));

        assertThat(pipeline.rows(
                        "SELECT c.setting_name, c.setting_value FROM postgresql_configuration c JOIN system_nodes n"
                                + " ON n.id = c.node_id WHERE n.node_key = ?",
                        Corpus.HOSTILE_NODE + "-pgstate"))
                .containsExactly(List.of("corpus." + hostile, hostile));

        var event = Corpus.changeEvent(Corpus.HOSTILE_NODE + "-changes", hostile);
        assertThat(pipeline.rows(
                        "SELECT node_key, change_category, table_affected, record_id, change_description, old_value"
                                + " #>> '{}', new_value ->> 'new', changed_by, change_reason FROM change_log"
                                + " WHERE event_id = ?",
                        event.getEventId()))
                .containsExactly(List.of(
                        Corpus.HOSTILE_NODE + "-changes",
                        "category " + hostile,
                        "table " + hostile,
                        "record " + hostile,
                        "description " + hostile,
                        "old " + hostile,
                        hostile,
                        "by " + hostile,
                        "reason " + hostile));
    }

    // ---------------------------------------------------------------- helpers

    private static List<CorpusCase> cases(String topic) {
        return corpus.cases().stream().filter(c -> c.topic().equals(topic)).toList();
    }

    private static void inject(List<Object> records) {
        Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
        for (Object record : records) {
            if (record instanceof Good good) {
                pipeline.send(good.topic(), good.key(), good.value());
            } else {
                CorpusCase c = (CorpusCase) record;
                sent.put(c.name(), pipeline.send(c.topic(), c.key(), corpus.bytes(c)));
            }
        }
        pipeline.flush();
        sent.forEach((name, future) -> positions.put(name, CorpusPipeline.await(future)));
    }

    private static int expectedDeadLetterCount() {
        return corpus.cases().stream().mapToInt(c -> c.deadLetters().size()).sum();
    }

    /** The case a dead letter belongs to: by the position it names, or, for a derived record, by its node key. */
    private static String caseOf(ConsumerRecord<byte[], byte[]> deadLetter) {
        String topic = header(deadLetter, DeadLetterHeaders.TOPIC);
        int partition = Integer.parseInt(header(deadLetter, DeadLetterHeaders.PARTITION));
        long offset = Long.parseLong(header(deadLetter, DeadLetterHeaders.OFFSET));
        for (Map.Entry<String, RecordMetadata> position : positions.entrySet()) {
            RecordMetadata at = position.getValue();
            if (at.topic().equals(topic) && at.partition() == partition && at.offset() == offset) {
                return position.getKey();
            }
        }
        String key = deadLetter.key() == null ? null : new String(deadLetter.key(), StandardCharsets.UTF_8);
        for (CorpusCase c : corpus.cases()) {
            boolean derived = !c.topic().equals(topic)
                    && c.deadLetters().stream()
                            .anyMatch(expected -> expected.topic().equals(topic));
            if (derived && c.key().equals(key)) {
                return c.name();
            }
        }
        return null;
    }

    private static CorpusCase corpusCase(String name) {
        return corpus.cases().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<ExpectedDeadLetter> sorted(List<ExpectedDeadLetter> list) {
        return list.stream()
                .sorted(Comparator.comparing(ExpectedDeadLetter::format))
                .toList();
    }

    private static long fleetSamples() {
        return pipeline.count("SELECT count(*) FROM metric_samples s JOIN metric_series m ON m.id = s.series_id"
                + " JOIN system_nodes n ON n.id = m.node_id WHERE n.node_key LIKE 'sim-%'");
    }

    private static long expectedFleetSamples() {
        return FLEET_SAMPLES;
    }

    private static long fleetSeries() {
        return (long) Corpus.FLEET.nodeCount() * Corpus.FLEET.metricsPerNode();
    }

    private static long fleetRollups(String table) {
        return pipeline.count("SELECT count(*) FROM " + table + " r JOIN metric_series m ON m.id = r.series_id"
                + " JOIN system_nodes n ON n.id = m.node_id WHERE n.node_key LIKE 'sim-%' AND m.metric_category <> '"
                + GoodLoad.ROLLUP_CATEGORY + "'");
    }

    private static Map<String, String> labels(long seriesId) {
        Map<String, String> labels = new HashMap<>();
        for (List<Object> row :
                pipeline.rows("SELECT key, value FROM metric_series, jsonb_each_text(labels) WHERE id = ?", seriesId)) {
            labels.put((String) row.get(0), (String) row.get(1));
        }
        return labels;
    }

    private static String labelsJson(Map<String, String> labels) {
        StringBuilder json = new StringBuilder("{");
        labels.forEach((k, v) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(k).append("\":\"").append(v).append('"');
        });
        return json.append('}').toString();
    }
}
