package io.strata.sink.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumed positions in {@code sink_offsets}: the source of truth of where each partition resumes.
 *
 * <p>Writes are fenced: a partition's row is advanced only if it still points at or before the first offset of the
 * batch being committed. If another consumer of the group (after a rebalance) committed past it, nothing is written
 * and {@link OffsetConflictException} rolls the whole transaction back, so no record is written twice.
 */
final class OffsetStore {

    private static final String UPSERT = """
            INSERT INTO sink_offsets (consumer_group, topic, kafka_partition, next_offset, updated_at)
            VALUES (?, ?, ?, ?, now())
            ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE
            SET next_offset = excluded.next_offset, updated_at = excluded.updated_at
            WHERE sink_offsets.next_offset <= ?""";

    private final String groupId;

    OffsetStore(String groupId) {
        this.groupId = Objects.requireNonNull(groupId, "groupId");
    }

    /** The range of offsets a batch consumed from one partition: {@code [first, next)}. */
    record Range(long first, long next) {}

    /** Stored next offsets of {@code partitions}; partitions without a row are absent. */
    Map<TopicPartition, Long> read(Connection connection, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT next_offset FROM sink_offsets WHERE consumer_group = ? AND topic = ? AND kafka_partition = ?")) {
            for (TopicPartition partition : partitions) {
                select.setString(1, groupId);
                select.setString(2, partition.topic());
                select.setInt(3, partition.partition());
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        offsets.put(partition, rows.getLong(1));
                    }
                }
            }
        }
        return offsets;
    }

    /**
     * Stores {@code next} for every partition of {@code ranges}, fenced on {@code first}.
     *
     * @throws OffsetConflictException when a partition was advanced by someone else
     */
    void write(Connection connection, Map<TopicPartition, Range> ranges) throws SQLException {
        List<TopicPartition> order = new ArrayList<>(ranges.keySet());
        // A stable order keeps two sinks from deadlocking on each other's rows.
        order.sort((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition())
                : a.topic().compareTo(b.topic()));
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            for (TopicPartition partition : order) {
                Range range = ranges.get(partition);
                upsert.setString(1, groupId);
                upsert.setString(2, partition.topic());
                upsert.setInt(3, partition.partition());
                upsert.setLong(4, range.next());
                upsert.setLong(5, range.first());
                upsert.addBatch();
            }
            int[] counts = upsert.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    throw new OffsetConflictException(order.get(i));
                }
            }
        }
    }

    /** Thrown when a partition's stored offset moved past the batch: another consumer wrote it. */
    static final class OffsetConflictException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OffsetConflictException(TopicPartition partition) {
            super("Stored offset of " + partition + " is past this batch: another consumer committed it");
        }
    }
}
