package io.strata.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of("full MetricBatch", AvroSerdes.metricBatch(), RecordFixtures.fullMetricBatch()),
                Arguments.of("minimal MetricBatch", AvroSerdes.metricBatch(), RecordFixtures.minimalMetricBatch()),
                Arguments.of("full MetricRollup", AvroSerdes.metricRollup(), RecordFixtures.fullMetricRollup()),
                Arguments.of("minimal MetricRollup", AvroSerdes.metricRollup(), RecordFixtures.minimalMetricRollup()),
                Arguments.of("full NodeInventory", AvroSerdes.nodeInventory(), RecordFixtures.fullNodeInventory()),
                Arguments.of(
                        "minimal NodeInventory", AvroSerdes.nodeInventory(), RecordFixtures.minimalNodeInventory()),
                Arguments.of("full PostgresState", AvroSerdes.postgresState(), RecordFixtures.fullPostgresState()),
                Arguments.of(
                        "minimal PostgresState", AvroSerdes.postgresState(), RecordFixtures.minimalPostgresState()),
                Arguments.of("full ChangeEvent", AvroSerdes.changeEvent(), RecordFixtures.fullChangeEvent()),
                Arguments.of("minimal ChangeEvent", AvroSerdes.changeEvent(), RecordFixtures.minimalChangeEvent()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    <T extends SpecificRecord> void shouldRoundTripThroughKafkaSerializerAndDeserializer(
            String description, AvroSerde<T> serde, T record) {
        byte[] bytes = serde.serializer().serialize("topic", record);

        T decoded = serde.deserializer().deserialize("topic", bytes);

        assertThat(decoded).isEqualTo(record);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    <T extends SpecificRecord> void shouldWriteSingleObjectHeaderWithCurrentSchemaFingerprint(
            String description, AvroSerde<T> serde, T record) {
        byte[] bytes = serde.serialize(record);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(AvroCodec.readLittleEndianLong(bytes, 2))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(serde.schema()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    <T extends SpecificRecord> void shouldWriteExactlyWhatAvrosOwnEncoderWrites(
            String description, AvroSerde<T> serde, T record) throws Exception {
        ByteBuffer avro =
                new BinaryMessageEncoder<T>(SpecificData.getForClass(serde.type()), serde.schema()).encode(record);
        byte[] expected = new byte[avro.remaining()];
        avro.get(expected);

        assertThat(serde.serialize(record)).isEqualTo(expected);
    }

    @Test
    void shouldBeReadableByAvrosGenericDecoderWithTheShippedSchemaStore() throws Exception {
        byte[] bytes = AvroSerdes.metricBatch().serialize(RecordFixtures.fullMetricBatch());
        BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(
                GenericData.get(), MetricBatch.getClassSchema(), ShippedSchemas.schemaStore());

        GenericRecord decoded = decoder.decode(bytes);

        assertThat(decoded.get("nodeName")).hasToString("db-primary-1");
    }

    @Test
    void shouldDecodeBytesFromTheGeneratedClassesOwnEncoder() throws Exception {
        ChangeEvent event = RecordFixtures.fullChangeEvent();
        ByteBuffer bytes = event.toByteBuffer();

        ChangeEvent decoded = AvroSerdes.changeEvent().deserializer().deserialize("strata.changes", null, bytes);

        assertThat(decoded).isEqualTo(event);
    }

    @Test
    void shouldNeedNoTrustedPackagesPropertyAndTrustOnlyTheGeneratedClasses() throws Exception {
        assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
        byte[] bytes = AvroSerdes.metricRollup().serialize(RecordFixtures.fullMetricRollup());

        assertThat(AvroSerdes.metricRollup().deserialize("strata.metrics.hourly", bytes))
                .isEqualTo(RecordFixtures.fullMetricRollup());
        assertThat(MetricRollup.getDecoder().decode(bytes).getSeries())
                .isEqualTo(RecordFixtures.fullMetricRollup().getSeries());
        assertThat(ClassSecurityValidator.getGlobal().isTrusted(io.strata.schemas.avro.MetricSample.class))
                .isTrue();
        assertThat(ClassSecurityValidator.getGlobal().isTrusted(RecordFixtures.class))
                .isFalse();
    }

    @Test
    void shouldDecodeFromAnArrayBackedBufferAtAnOffsetWithoutCopying() {
        byte[] bytes = AvroSerdes.nodeInventory().serialize(RecordFixtures.fullNodeInventory());
        byte[] framed = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, framed, 5, bytes.length);
        ByteBuffer slice = ByteBuffer.wrap(framed, 5, bytes.length).slice();

        NodeInventory decoded =
                AvroSerdes.nodeInventory().deserializer().deserialize("strata.inventory", new RecordHeaders(), slice);

        assertThat(decoded).isEqualTo(RecordFixtures.fullNodeInventory());
    }

    @Test
    void shouldDecodeFromADirectBuffer() {
        byte[] bytes = AvroSerdes.postgresState().serialize(RecordFixtures.fullPostgresState());
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();

        PostgresState decoded =
                AvroSerdes.postgresState().deserializer().deserialize("strata.pgstate", new RecordHeaders(), direct);

        assertThat(decoded).isEqualTo(RecordFixtures.fullPostgresState());
        assertThat(direct.remaining()).isEqualTo(bytes.length);
    }

    @Test
    void shouldMapNullToTombstoneBothWays() {
        AvroSerde<NodeInventory> serde = AvroSerdes.nodeInventory();

        assertThat(serde.serializer().serialize("strata.inventory", null)).isNull();
        assertThat(serde.deserializer().deserialize("strata.inventory", (byte[]) null))
                .isNull();
        assertThat(serde.deserializer().deserialize("strata.inventory", new RecordHeaders(), (ByteBuffer) null))
                .isNull();
    }

    @Test
    void shouldRejectARecordWithARequiredFieldLeftNullNamingTheField() {
        MetricBatch invalid = RecordFixtures.fullMetricBatch();
        invalid.setNodeName(null);

        assertThatThrownBy(() -> AvroSerdes.metricBatch().serialize(invalid))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot encode invalid MetricBatch")
                .hasMessageContaining("nodeName");
    }

    @Test
    void shouldFindTheSerdeOfEveryTypeByClass() {
        assertThat(AvroSerdes.forType(MetricBatch.class)).isSameAs(AvroSerdes.metricBatch());
        assertThat(AvroSerdes.forType(MetricRollup.class)).isSameAs(AvroSerdes.metricRollup());
        assertThat(AvroSerdes.forType(NodeInventory.class)).isSameAs(AvroSerdes.nodeInventory());
        assertThat(AvroSerdes.forType(PostgresState.class)).isSameAs(AvroSerdes.postgresState());
        assertThat(AvroSerdes.forType(ChangeEvent.class)).isSameAs(AvroSerdes.changeEvent());
        assertThatThrownBy(() -> AvroSerdes.forType(io.strata.schemas.avro.MetricSample.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MetricSample");
    }

    @Test
    void shouldEncodeAndDecodeConcurrentlyFromManyThreads() throws Exception {
        AvroSerde<MetricBatch> serde = AvroSerdes.metricBatch();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                long base = thread * 1_000L;
                tasks.add(() -> {
                    for (long sequence = base; sequence < base + 500; sequence++) {
                        MetricBatch batch = RecordFixtures.fullMetricBatch();
                        batch.setSequence(sequence);
                        MetricBatch decoded = serde.deserialize("strata.metrics.raw", serde.serialize(batch));
                        if (!decoded.equals(batch)) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
