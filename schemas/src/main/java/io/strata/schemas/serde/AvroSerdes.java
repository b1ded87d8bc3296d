package io.strata.schemas.serde;

import io.strata.schemas.avro.ChangeEvent;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.PostgresState;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * The serdes of the Strata records, one shared, thread-safe instance per type.
 *
 * <pre>{@code
 * KafkaProducer<String, MetricBatch> producer =
 *         new KafkaProducer<>(props, new StringSerializer(), AvroSerdes.metricBatch().serializer());
 * }</pre>
 */
public final class AvroSerdes {

    private static final AvroSerde<MetricBatch> METRIC_BATCH = create(MetricBatch.class);
    private static final AvroSerde<MetricRollup> METRIC_ROLLUP = create(MetricRollup.class);
    private static final AvroSerde<NodeInventory> NODE_INVENTORY = create(NodeInventory.class);
    private static final AvroSerde<PostgresState> POSTGRES_STATE = create(PostgresState.class);
    private static final AvroSerde<ChangeEvent> CHANGE_EVENT = create(ChangeEvent.class);

    private AvroSerdes() {}

    /** Serde of {@link MetricBatch}, topic {@code strata.metrics.raw}. */
    public static AvroSerde<MetricBatch> metricBatch() {
        return METRIC_BATCH;
    }

    /** Serde of {@link MetricRollup}, topics {@code strata.metrics.hourly} and {@code strata.metrics.daily}. */
    public static AvroSerde<MetricRollup> metricRollup() {
        return METRIC_ROLLUP;
    }

    /** Serde of {@link NodeInventory}, topic {@code strata.inventory}. */
    public static AvroSerde<NodeInventory> nodeInventory() {
        return NODE_INVENTORY;
    }

    /** Serde of {@link PostgresState}, topic {@code strata.pgstate}. */
    public static AvroSerde<PostgresState> postgresState() {
        return POSTGRES_STATE;
    }

    /** Serde of {@link ChangeEvent}, topic {@code strata.changes}. */
    public static AvroSerde<ChangeEvent> changeEvent() {
        return CHANGE_EVENT;
    }

    /**
     * Serde of any Strata record type.
     *
     * @throws IllegalArgumentException when {@code type} is not one of the Strata records
     */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> AvroSerde<T> forType(Class<T> type) {
        Objects.requireNonNull(type, "type");
        for (AvroSerde<?> serde : all()) {
            if (serde.type() == type) {
                return (AvroSerde<T>) serde;
            }
        }
        throw new IllegalArgumentException("Not a Strata record type: " + type.getName());
    }

    private static AvroSerde<?>[] all() {
        return new AvroSerde<?>[] {METRIC_BATCH, METRIC_ROLLUP, NODE_INVENTORY, POSTGRES_STATE, CHANGE_EVENT};
    }

    private static <T extends SpecificRecord> AvroSerde<T> create(Class<T> type) {
        return new AvroSerde<>(new AvroCodec<>(ShippedSchemas.of(type)));
    }
}
