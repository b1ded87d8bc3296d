package io.strata.sink.ingest;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricSample;
import io.strata.sink.copy.SampleBuffer;
import java.util.List;
import java.util.Objects;

/**
 * A validated raw batch reduced to what {@code metric_samples} needs: the node, and per sample its series, time and
 * value in primitive arrays. Made by the {@link RawBatchDecoder} straight from the record's bytes, or from a decoded
 * {@link MetricBatch} when that fast path does not apply.
 *
 * <p>{@link #seriesKeys} may be shared by many batches of the same node (its layout): the writer resolves the ids of
 * one such array once per transaction.
 */
final class RawBatch {

    final String nodeId;
    final String nodeName;
    /** The batch's {@code sequence}: per node, increasing; a batch not above the last one written is a replay. */
    final long sequence;

    final SeriesKey[] seriesKeys;
    final long[] epochMicros;
    final double[] values;

    RawBatch(
            String nodeId,
            String nodeName,
            long sequence,
            SeriesKey[] seriesKeys,
            long[] epochMicros,
            double[] values) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.sequence = sequence;
        this.seriesKeys = seriesKeys;
        this.epochMicros = epochMicros;
        this.values = values;
        if (seriesKeys.length != epochMicros.length || seriesKeys.length != values.length) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
    }

    /** Number of samples. */
    int size() {
        return values.length;
    }

    /** The rows of a batch decoded by Avro (and validated). */
    static RawBatch of(MetricBatch batch) {
        List<MetricSample> samples = batch.getSamples();
        SeriesKey[] keys = new SeriesKey[samples.size()];
        long[] micros = new long[keys.length];
        double[] values = new double[keys.length];
        for (int i = 0; i < keys.length; i++) {
            MetricSample sample = samples.get(i);
            keys[i] = SeriesKey.of(
                    batch.getNodeId(),
                    sample.getCategory(),
                    sample.getName(),
                    sample.getLabels(),
                    sample.getUnit(),
                    sample.getKind());
            micros[i] = SampleBuffer.toEpochMicros(sample.getTimestamp());
            values[i] = sample.getValue();
        }
        return new RawBatch(
                batch.getNodeId().toString(),
                batch.getNodeName().toString(),
                batch.getSequence(),
                keys,
                micros,
                values);
    }
}
