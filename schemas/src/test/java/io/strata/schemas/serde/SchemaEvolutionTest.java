package io.strata.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.MetricBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Old and new writers and readers coexist: the compatibility rule, and decoding across versions. */
class SchemaEvolutionTest {

    private static final Path HISTORY_SOURCES = Path.of("src/main/avro/history");

    @Test
    void shouldKeepEveryCurrentSchemaBackwardAndForwardCompatibleWithEveryReleasedVersion() {
        assertThat(SchemaCompatibilityChecker.checkShippedSchemas()).isEmpty();
    }

    @Test
    void shouldShipEveryReleasedVersionNumberedWithoutGaps() throws IOException {
        for (ShippedType<?> type : ShippedSchemas.types()) {
            long filesInSources;
            try (Stream<Path> files = Files.list(HISTORY_SOURCES.resolve(type.name()))) {
                filesInSources =
                        files.filter(file -> file.toString().endsWith(".avsc")).count();
            }
            assertThat(type.released())
                    .as("released versions of %s", type.name())
                    .isNotEmpty()
                    .hasSize((int) filesInSources);
            for (int i = 0; i < type.released().size(); i++) {
                assertThat(type.released().get(i).version()).isEqualTo(i + 1);
            }
        }
        try (Stream<Path> typeDirs = Files.list(HISTORY_SOURCES)) {
            assertThat(typeDirs.map(dir -> dir.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(ShippedSchemas.types().stream()
                            .map(ShippedType::name)
                            .toList());
        }
    }

    @Test
    void shouldShipTheCurrentSchemasAndTheReadmeInTheJar() {
        for (ShippedType<?> type : ShippedSchemas.types()) {
            // The generated class adds Java-only properties (avro.java.string); the wire form must be the same.
            assertThat(SchemaNormalization.toParsingForm(resource("io/strata/schemas/avro/" + type.name() + ".avsc")))
                    .isEqualTo(SchemaNormalization.toParsingForm(type.currentSchema()));
        }
        assertThat(getClass().getClassLoader().getResource("io/strata/schemas/avro/README.md"))
                .isNotNull();
    }

    @Test
    void shouldReportANewFieldWithoutDefaultAsIncompatible() {
        List<String> problems = checkAgainstReleasedMetricBatch("MetricBatch-new-field-without-default.avsc");

        assertThat(problems)
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("MetricBatch is not backward compatible with v1")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("probeVersion");
    }

    @Test
    void shouldReportAChangedFieldTypeAsIncompatibleBothWays() {
        List<String> problems = checkAgainstReleasedMetricBatch("MetricBatch-sequence-as-string.avsc");

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("not backward compatible").contains("TYPE_MISMATCH");
        assertThat(problems.get(1)).contains("not forward compatible").contains("TYPE_MISMATCH");
    }

    @Test
    void shouldReportANewSymbolInAnEnumWithoutDefaultAsNotForwardCompatible() {
        List<String> problems = checkAgainstReleasedMetricBatch("MetricBatch-new-MetricKind-symbol.avsc");

        assertThat(problems)
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("not forward compatible")
                .contains("HISTOGRAM");
    }

    @Test
    void shouldAcceptANewOptionalFieldWithDefault() {
        assertThat(checkAgainstReleasedMetricBatch("MetricBatch-with-optional-probeVersion.avsc"))
                .isEmpty();
    }

    @Test
    void shouldAcceptANewChangeTypeSymbolBecauseTheEnumHasADefault() {
        Schema candidate = resource("evolution/ChangeEvent-new-ChangeType-symbol.avsc");
        Schema released = ShippedSchemas.of(ChangeEvent.class).released().get(0).schema();

        assertThat(SchemaCompatibilityChecker.check(candidate, released, "v1")).isEmpty();
    }

    @Test
    void shouldDecodeBytesOfTheReleasedWriterSchema() throws IOException {
        Schema v1 = ShippedSchemas.of(MetricBatch.class).released().get(0).schema();
        GenericRecord written = new GenericRecordBuilder(v1)
                .set("nodeId", "node-1")
                .set("nodeName", "db-1")
                .set("collectedAt", RecordFixtures.T0.toEpochMilli())
                .set("sequence", 7L)
                .set("intervalMs", 10_000L)
                .build();

        MetricBatch decoded = AvroSerdes.metricBatch().deserialize("strata.metrics.raw", encode(v1, written));

        assertThat(decoded.getNodeId()).isEqualTo("node-1");
        assertThat(decoded.getCollectedAt()).isEqualTo(RecordFixtures.T0);
        assertThat(decoded.getSamples()).isEmpty();
    }

    @Test
    void shouldDecodeAnOlderWriterFillingTheDefaultsOfFieldsItLacks() throws IOException {
        Schema older = resource("evolution/MetricBatch-without-intervalMs.avsc");
        AvroCodec<MetricBatch> reader = codecKnowing(older);
        GenericRecord written = new GenericRecordBuilder(older)
                .set("nodeId", "node-1")
                .set("nodeName", "db-1")
                .set("collectedAt", 0L)
                .set("sequence", 1L)
                .build();

        byte[] bytes = encode(older, written);
        MetricBatch decoded = reader.decode("strata.metrics.raw", bytes, 0, bytes.length);

        assertThat(decoded.getIntervalMs()).isNull();
        assertThat(decoded.getSequence()).isEqualTo(1L);
        assertThat(decoded.getCollectedAt()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void shouldDecodeANewerWriterIgnoringFieldsTheReaderLacks() throws IOException {
        Schema newer = resource("evolution/MetricBatch-with-optional-probeVersion.avsc");
        AvroCodec<MetricBatch> reader = codecKnowing(newer);
        GenericRecord sample = new GenericRecordBuilder(
                        newer.getField("samples").schema().getElementType())
                .set("category", "cpu")
                .set("name", "load_1m")
                .set("labels", Map.of("core", "0"))
                .set("value", 0.5)
                .set(
                        "kind",
                        new GenericData.EnumSymbol(
                                newer.getField("samples")
                                        .schema()
                                        .getElementType()
                                        .getField("kind")
                                        .schema(),
                                "GAUGE"))
                .set("timestamp", 5L)
                .build();
        GenericRecord written = new GenericRecordBuilder(newer)
                .set("nodeId", "node-1")
                .set("nodeName", "db-1")
                .set("collectedAt", 0L)
                .set("sequence", 2L)
                .set("samples", List.of(sample))
                .set("probeVersion", "2.0.0")
                .build();

        byte[] bytes = encode(newer, written);
        MetricBatch decoded = reader.decode("strata.metrics.raw", bytes, 0, bytes.length);

        assertThat(decoded.getSequence()).isEqualTo(2L);
        assertThat(decoded.getSamples()).singleElement().satisfies(decodedSample -> {
            assertThat(decodedSample.getLabels()).containsEntry("core", "0");
            assertThat(decodedSample.getTimestamp()).isEqualTo(Instant.ofEpochMilli(5));
        });
    }

    private static List<String> checkAgainstReleasedMetricBatch(String fixture) {
        Schema candidate = resource("evolution/" + fixture);
        SchemaVersion released = ShippedSchemas.of(MetricBatch.class).released().get(0);
        return SchemaCompatibilityChecker.check(candidate, released.schema(), released.label());
    }

    /** A MetricBatch reader whose jar would ship one more writer version. */
    private static AvroCodec<MetricBatch> codecKnowing(Schema otherWriter) {
        ShippedType<MetricBatch> shipped = ShippedSchemas.of(MetricBatch.class);
        List<SchemaVersion> versions =
                List.of(shipped.released().get(0), SchemaVersion.of("MetricBatch", 2, otherWriter));
        return new AvroCodec<>(new ShippedType<>(MetricBatch.class, shipped.currentSchema(), versions));
    }

    private static byte[] encode(Schema writer, GenericRecord record) throws IOException {
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Schema resource(String path) {
        try (InputStream in = SchemaEvolutionTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
