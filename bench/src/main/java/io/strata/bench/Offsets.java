package io.strata.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the raw topic ends and how far its consumers got: Kafka Streams commits its offsets to the broker (its
 * application id is the group), the sink commits them to PostgreSQL ({@code sink_offsets}) in each transaction.
 */
final class Offsets {

    private final Admin admin;
    private final DataSource database;
    private final String topic;
    private final List<TopicPartition> partitions;
    private final String streamsGroup;
    private final String sinkGroup;

    Offsets(Admin admin, DataSource database, String topic, int partitions, String streamsGroup, String sinkGroup) {
        this.admin = admin;
        this.database = database;
        this.topic = topic;
        this.partitions = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p))
                .toList();
        this.streamsGroup = streamsGroup;
        this.sinkGroup = sinkGroup;
    }

    /** The sum over partitions of the end offsets. */
    long end() {
        Map<TopicPartition, OffsetSpec> latest =
                partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
                    admin.listOffsets(latest).all().get();
            return offsets.values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list the end offsets of " + topic, e.getCause());
        }
    }

    /** The sum of the offsets Kafka Streams committed on the raw topic. */
    long streams() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(streamsGroup)
                    .partitionsToOffsetAndMetadata()
                    .get();
            return sum(committed.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .map(e -> e.getValue().offset())
                    .toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the offsets of " + streamsGroup, e.getCause());
        }
    }

    /** The sum of the offsets the sink committed with its rows. */
    long sink() {
        try (Connection connection = database.getConnection();
                PreparedStatement query =
                        connection.prepareStatement("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets"
                                + " WHERE consumer_group = ? AND topic = ?")) {
            query.setString(1, sinkGroup);
            query.setString(2, topic);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read sink_offsets", e);
        }
    }

    private static long sum(Collection<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }
}
