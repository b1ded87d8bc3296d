package io.strata.sink.ingest;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.validate.BatchValidator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The fast path of raw batches: reads a {@code MetricBatch} of the current schema straight from its single-object
 * encoded bytes into a {@link RawBatch}, without Avro's objects, strings and label maps per sample.
 *
 * <p>A node's batches repeat the same series in the same order, so the decoder remembers per node the encoded bytes of
 * each sample's series fields (category, name, labels, unit, kind) with their already validated {@link SeriesKey}.
 * A sample whose bytes equal the remembered ones at its position reuses that key; any other sample has its strings
 * decoded and checked, and the batch becomes the node's new layout.
 *
 * <p>It only accepts what it is sure of: another writer schema, bytes that do not parse exactly to the end, and any
 * record that fails a validation check all return {@code null}, and the caller then decodes with {@code AvroSerdes}
 * and validates with {@link RecordValidator}, which say precisely what is wrong. Thread-safe.
 */
final class RawBatchDecoder {

    /** Layouts kept before the cache is cleared (one per node). */
    private static final int MAX_LAYOUTS = 100_000;

    private static final int HEADER_LENGTH = 10;

    private final RecordValidator validator;
    private final long fingerprint;
    private final boolean enabled;
    private final Map<String, Layout> layouts = new ConcurrentHashMap<>();

    RawBatchDecoder(RecordValidator validator) {
        this.validator = Objects.requireNonNull(validator, "validator");
        Schema schema = MetricBatch.getClassSchema();
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.enabled = hasExpectedShape(schema);
    }

    /** Whether the current schema is the one this decoder reads (else every call returns null). */
    boolean enabled() {
        return enabled;
    }

    /**
     * The batch in {@code data}, validated against {@code now}; or null when the caller must take the general path.
     */
    RawBatch decode(byte[] data, Instant now) {
        if (!enabled || data == null || data.length < HEADER_LENGTH || data[0] != (byte) 0xC3 || data[1] != 0x01) {
            return null;
        }
        if (littleEndianLong(data, 2) != fingerprint) {
            return null;
        }
        try {
            return read(data, now);
        } catch (NotFast | IndexOutOfBoundsException | ArithmeticException e) {
            return null;
        }
    }

    private RawBatch read(byte[] data, Instant now) {
        long lowestMillis =
                BatchValidator.firstMillisNotBefore(now.minus(validator.rules().maxAge()));
        long highestMillis = now.plus(validator.rules().maxFuture()).toEpochMilli();
        Cursor in = new Cursor(data, HEADER_LENGTH);
        String nodeId = in.string();
        String nodeName = in.string();
        if (!validator.nodeNameLooksValid(nodeId) || !validator.nodeNameLooksValid(nodeName)) {
            throw NotFast.INSTANCE;
        }
        in.varLong(); // collectedAt
        long sequence = in.varLong();
        int intervalBranch = in.varInt();
        if (intervalBranch == 1) {
            in.varLong();
        } else if (intervalBranch != 0) {
            throw NotFast.INSTANCE;
        }

        Layout layout = layouts.get(nodeId);
        int capacity = 0;
        SeriesKey[] keys = new SeriesKey[0];
        long[] micros = new long[0];
        double[] values = new double[0];
        int[] bounds = new int[0]; // per sample: series bytes [b0, b1) and [b2, b3)
        int count = 0;
        boolean matched = layout != null;
        for (long block = in.varLong(); block != 0; block = in.varLong()) {
            if (block < 0) {
                block = -block;
                in.varLong(); // block size in bytes
            }
            if (block > data.length) {
                throw NotFast.INSTANCE;
            }
            if (count + block > capacity) {
                capacity = Math.toIntExact(Math.max(count + block, capacity * 2L));
                keys = Arrays.copyOf(keys, capacity);
                micros = Arrays.copyOf(micros, capacity);
                values = Arrays.copyOf(values, capacity);
                bounds = Arrays.copyOf(bounds, capacity * 4);
            }
            for (long i = 0; i < block; i++, count++) {
                int seriesStart = in.position;
                in.skipString(); // category
                in.skipString(); // name
                for (long entries = in.varLong(); entries != 0; entries = in.varLong()) {
                    if (entries < 0) {
                        entries = -entries;
                        in.varLong();
                    }
                    for (long e = 0; e < entries; e++) {
                        in.skipString();
                        in.skipString();
                    }
                }
                int labelsEnd = in.position;
                double value = in.doubleValue();
                int unitStart = in.position;
                int unitBranch = in.varInt();
                if (unitBranch == 1) {
                    in.skipString();
                } else if (unitBranch != 0) {
                    throw NotFast.INSTANCE;
                }
                int kind = in.varInt();
                if (kind != 0 && kind != 1) {
                    throw NotFast.INSTANCE;
                }
                int kindEnd = in.position;
                long millis = in.varLong();
                if (!Double.isFinite(value) || millis < lowestMillis || millis > highestMillis) {
                    throw NotFast.INSTANCE;
                }
                SeriesKey key = matched ? layout.match(count, data, seriesStart, labelsEnd, unitStart, kindEnd) : null;
                if (key == null) {
                    matched = false;
                    key = series(nodeId, data, seriesStart, unitStart);
                }
                keys[count] = key;
                micros[count] = Math.multiplyExact(millis, 1000L);
                values[count] = value;
                bounds[4 * count] = seriesStart;
                bounds[4 * count + 1] = labelsEnd;
                bounds[4 * count + 2] = unitStart;
                bounds[4 * count + 3] = kindEnd;
            }
        }
        if (in.position != data.length) {
            throw NotFast.INSTANCE; // trailing bytes: the general path names them
        }
        if (matched && count == layout.size()) {
            keys = layout.keys; // shared: its ids are resolved once per transaction
        } else {
            keys = Arrays.copyOf(keys, count);
            if (layouts.size() >= MAX_LAYOUTS) {
                layouts.clear();
            }
            layouts.put(nodeId, Layout.of(data, bounds, keys));
        }
        if (count != micros.length) {
            micros = Arrays.copyOf(micros, count);
            values = Arrays.copyOf(values, count);
        }
        return new RawBatch(nodeId, nodeName, sequence, keys, micros, values);
    }

    /** Decodes and checks the series fields of one sample (a layout miss). */
    private SeriesKey series(String nodeId, byte[] data, int seriesStart, int unitStart) {
        Cursor in = new Cursor(data, seriesStart);
        String category = in.string();
        String name = in.string();
        Map<String, String> labels = new HashMap<>();
        for (long entries = in.varLong(); entries != 0; entries = in.varLong()) {
            if (entries < 0) {
                entries = -entries;
                in.varLong();
            }
            for (long e = 0; e < entries; e++) {
                labels.put(in.string(), in.string());
            }
        }
        in.position = unitStart;
        String unit = in.varInt() == 1 ? in.string() : null;
        MetricKind kind = in.varInt() == 1 ? MetricKind.COUNTER : MetricKind.GAUGE;
        if (!validator.seriesLooksValid(category, name, unit, labels)) {
            throw NotFast.INSTANCE;
        }
        return SeriesKey.of(nodeId, category, name, labels, unit, kind);
    }

    private static long littleEndianLong(byte[] data, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (data[offset + i] & 0xFFL);
        }
        return value;
    }

    /** The field layout this class reads; checked once so that a changed schema disables the fast path. */
    private static boolean hasExpectedShape(Schema batch) {
        List<String> batchFields = List.of("nodeId", "nodeName", "collectedAt", "sequence", "intervalMs", "samples");
        if (!fieldNames(batch).equals(batchFields)) {
            return false;
        }
        Schema samples = batch.getField("samples").schema();
        if (samples.getType() != Schema.Type.ARRAY) {
            return false;
        }
        Schema sample = samples.getElementType();
        return fieldNames(sample).equals(List.of("category", "name", "labels", "value", "unit", "kind", "timestamp"))
                && batch.getField("nodeId").schema().getType() == Schema.Type.STRING
                && batch.getField("nodeName").schema().getType() == Schema.Type.STRING
                && batch.getField("collectedAt").schema().getType() == Schema.Type.LONG
                && batch.getField("sequence").schema().getType() == Schema.Type.LONG
                && nullable(batch.getField("intervalMs").schema(), Schema.Type.LONG)
                && sample.getField("category").schema().getType() == Schema.Type.STRING
                && sample.getField("name").schema().getType() == Schema.Type.STRING
                && sample.getField("labels").schema().getType() == Schema.Type.MAP
                && sample.getField("labels").schema().getValueType().getType() == Schema.Type.STRING
                && sample.getField("value").schema().getType() == Schema.Type.DOUBLE
                && nullable(sample.getField("unit").schema(), Schema.Type.STRING)
                && sample.getField("kind").schema().getType() == Schema.Type.ENUM
                && sample.getField("kind").schema().getEnumSymbols().equals(List.of("GAUGE", "COUNTER"))
                && sample.getField("timestamp").schema().getType() == Schema.Type.LONG
                && "timestamp-millis"
                        .equals(sample.getField("timestamp").schema().getProp("logicalType"));
    }

    private static List<String> fieldNames(Schema record) {
        return record.getType() == Schema.Type.RECORD
                ? record.getFields().stream().map(Schema.Field::name).toList()
                : List.of();
    }

    private static boolean nullable(Schema union, Schema.Type type) {
        return union.getType() == Schema.Type.UNION
                && union.getTypes().size() == 2
                && union.getTypes().get(0).getType() == Schema.Type.NULL
                && union.getTypes().get(1).getType() == type;
    }

    /** The series bytes of one node's last batch, sample by sample, with their keys. */
    private static final class Layout {
        final byte[] bytes;
        final int[] starts; // sample i: bytes [starts[2i], starts[2i+1]) then [starts[2i+1], starts[2i+2])
        final SeriesKey[] keys;

        private Layout(byte[] bytes, int[] starts, SeriesKey[] keys) {
            this.bytes = bytes;
            this.starts = starts;
            this.keys = keys;
        }

        static Layout of(byte[] data, int[] bounds, SeriesKey[] keys) {
            int length = 0;
            for (int i = 0; i < keys.length; i++) {
                length += bounds[4 * i + 1] - bounds[4 * i] + bounds[4 * i + 3] - bounds[4 * i + 2];
            }
            byte[] bytes = new byte[length];
            int[] starts = new int[2 * keys.length + 1];
            int at = 0;
            for (int i = 0; i < keys.length; i++) {
                starts[2 * i] = at;
                int first = bounds[4 * i + 1] - bounds[4 * i];
                System.arraycopy(data, bounds[4 * i], bytes, at, first);
                at += first;
                starts[2 * i + 1] = at;
                int second = bounds[4 * i + 3] - bounds[4 * i + 2];
                System.arraycopy(data, bounds[4 * i + 2], bytes, at, second);
                at += second;
            }
            starts[2 * keys.length] = at;
            return new Layout(bytes, starts, keys);
        }

        int size() {
            return keys.length;
        }

        /** The key of sample {@code index} if its series bytes are the remembered ones, else null. */
        SeriesKey match(int index, byte[] data, int seriesStart, int labelsEnd, int unitStart, int kindEnd) {
            if (index >= keys.length) {
                return null;
            }
            int from = starts[2 * index];
            int middle = starts[2 * index + 1];
            int to = starts[2 * index + 2];
            return middle - from == labelsEnd - seriesStart
                            && to - middle == kindEnd - unitStart
                            && Arrays.equals(data, seriesStart, labelsEnd, bytes, from, middle)
                            && Arrays.equals(data, unitStart, kindEnd, bytes, middle, to)
                    ? keys[index]
                    : null;
        }
    }

    /** Reads Avro's binary encoding; any surprise throws {@link NotFast}. */
    private static final class Cursor {
        final byte[] data;
        int position;

        Cursor(byte[] data, int position) {
            this.data = data;
            this.position = position;
        }

        /** A zig-zag variable-length long, as Avro writes int, long, lengths, counts and union branches. */
        long varLong() {
            long raw = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 63) {
                    throw NotFast.INSTANCE;
                }
                byte b = data[position++];
                raw |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    break;
                }
            }
            return (raw >>> 1) ^ -(raw & 1);
        }

        /** A zig-zag variable-length int exactly as Avro's {@code readInt} reads it (at most 5 bytes). */
        int varInt() {
            int n = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 28) {
                    throw NotFast.INSTANCE;
                }
                byte b = data[position++];
                n |= (b & 0x7F) << shift;
                if (b >= 0) {
                    break;
                }
            }
            return (n >>> 1) ^ -(n & 1);
        }

        private int stringLength() {
            int length = varInt();
            if (length < 0 || length > data.length - position) {
                throw NotFast.INSTANCE;
            }
            return (int) length;
        }

        String string() {
            int length = stringLength();
            String value = new String(data, position, length, StandardCharsets.UTF_8);
            position += length;
            return value;
        }

        void skipString() {
            int length = stringLength(); // not "position += stringLength()": that adds to the old position
            position += length;
        }

        double doubleValue() {
            if (data.length - position < 8) {
                throw NotFast.INSTANCE;
            }
            long bits = littleEndianLong(data, position);
            position += 8;
            return Double.longBitsToDouble(bits);
        }
    }

    /** Leave the fast path; no stack trace, it is control flow. */
    private static final class NotFast extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final NotFast INSTANCE = new NotFast();

        private NotFast() {
            super("not on the fast path", null, false, false);
        }
    }
}
