package io.strata.producer.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.producer.config.FsyncPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    private Spool open(long maxBytes, long segmentBytes) {
        return Spool.open(dir, maxBytes, segmentBytes, FsyncPolicy.ALWAYS, Duration.ofSeconds(1));
    }

    private static SpoolRecord record(int number, int samples) {
        return new SpoolRecord(
                "strata.metrics.raw", "node-1", ("batch-" + number).getBytes(StandardCharsets.UTF_8), samples);
    }

    private static List<String> values(List<SpoolEntry> entries) {
        return entries.stream()
                .map(entry -> new String(entry.record().value(), StandardCharsets.UTF_8))
                .toList();
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".seg")).count();
        }
    }

    @Test
    void shouldReadRecordsBackInOrderWithTheirFields() {
        try (Spool spool = open(1 << 20, 1 << 16)) {
            assertThat(spool.append(new SpoolRecord("t", "k", new byte[] {1, 2, 3}, 7)))
                    .isZero();
            assertThat(spool.append(record(2, 1))).isEqualTo(1);

            List<SpoolEntry> entries = spool.read(0, 10);

            assertThat(entries).extracting(SpoolEntry::index).containsExactly(0L, 1L);
            SpoolRecord first = entries.get(0).record();
            assertThat(first.topic()).isEqualTo("t");
            assertThat(first.key()).isEqualTo("k");
            assertThat(first.value()).containsExactly(1, 2, 3);
            assertThat(first.samples()).isEqualTo(7);
            assertThat(spool.pendingRecords()).isEqualTo(2);
        }
    }

    @Test
    void shouldDeleteSegmentsOnceAcknowledged() throws Exception {
        try (Spool spool = open(1 << 20, 64)) {
            for (int i = 0; i < 10; i++) {
                spool.append(record(i, 1));
            }
            assertThat(segmentFiles()).isGreaterThan(3);

            spool.acknowledge(10);

            assertThat(spool.pendingRecords()).isZero();
            assertThat(segmentFiles()).isEqualTo(1); // the active segment stays for appends
            assertThat(spool.read(0, 10)).isEmpty();
        }
    }

    @Test
    void shouldKeepUnacknowledgedRecordsAcrossRestarts() {
        try (Spool spool = open(1 << 20, 64)) {
            for (int i = 0; i < 5; i++) {
                spool.append(record(i, 1));
            }
            spool.acknowledge(2);
        }
        try (Spool spool = open(1 << 20, 64)) {
            assertThat(spool.position()).isEqualTo(2);
            assertThat(values(spool.read(0, 10))).containsExactly("batch-2", "batch-3", "batch-4");
            assertThat(spool.append(record(5, 1))).isEqualTo(5);
            assertThat(values(spool.read(2, 10))).containsExactly("batch-2", "batch-3", "batch-4", "batch-5");
        }
    }

    @Test
    void shouldCutOffATornTailOnOpening() throws Exception {
        try (Spool spool = open(1 << 20, 1 << 16)) {
            for (int i = 0; i < 3; i++) {
                spool.append(record(i, 1));
            }
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment =
                    files.filter(f -> f.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        Files.write(segment, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND); // a crash mid-write

        try (Spool spool = open(1 << 20, 1 << 16)) {
            assertThat(values(spool.read(0, 10))).containsExactly("batch-0", "batch-1", "batch-2");
            spool.append(record(3, 1));
            assertThat(values(spool.read(0, 10))).containsExactly("batch-0", "batch-1", "batch-2", "batch-3");
        }
    }

    @Test
    void shouldDetectACorruptRecordByItsChecksum() throws Exception {
        try (Spool spool = open(1 << 20, 1 << 16)) {
            for (int i = 0; i < 3; i++) {
                spool.append(record(i, 1));
            }
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment =
                    files.filter(f -> f.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 1] ^= 0x55; // the last byte of the last record
        Files.write(segment, bytes);

        try (Spool spool = open(1 << 20, 1 << 16)) {
            assertThat(values(spool.read(0, 10))).containsExactly("batch-0", "batch-1");
        }
    }

    @Test
    void shouldDropTheOldestSegmentsAndCountTheirSamplesExactly() {
        int appended = 200;
        try (Spool spool = open(2_000, 200)) {
            for (int i = 0; i < appended; i++) {
                spool.append(record(i, i % 7 + 1));
            }

            List<SpoolEntry> kept = spool.read(0, Integer.MAX_VALUE);
            long keptSamples =
                    kept.stream().mapToLong(e -> e.record().samples()).sum();
            long allSamples = 0;
            for (int i = 0; i < appended; i++) {
                allSamples += i % 7 + 1;
            }

            assertThat(spool.bytes()).isLessThanOrEqualTo(2_000);
            assertThat(spool.droppedRecords()).isPositive();
            assertThat(kept.size() + spool.droppedRecords()).isEqualTo(appended);
            assertThat(keptSamples + spool.droppedSamples()).isEqualTo(allSamples);
            // the oldest went first: what is kept is the newest, contiguous
            assertThat(kept.get(kept.size() - 1).index()).isEqualTo(appended - 1);
            assertThat(kept.get(0).index()).isEqualTo(appended - kept.size());
        }
    }

    @Test
    void shouldNotCountRecordsAlreadyHandedToTheSenderAsDropped() {
        try (Spool spool = open(600, 100)) {
            spool.append(record(0, 5));
            spool.append(record(1, 5));
            List<SpoolEntry> inFlight = spool.read(0, 2);
            assertThat(inFlight).hasSize(2);

            for (int i = 2; i < 60; i++) {
                spool.append(record(i, 5));
            }

            long kept = spool.read(0, Integer.MAX_VALUE).size();
            assertThat(kept + inFlight.size() + spool.droppedRecords()).isEqualTo(60);
            assertThat(spool.droppedSamples()).isEqualTo(spool.droppedRecords() * 5);
        }
    }

    @Test
    void shouldKeepTheDroppedCountsAcrossRestarts() {
        long dropped;
        try (Spool spool = open(1_000, 100)) {
            for (int i = 0; i < 100; i++) {
                spool.append(record(i, 3));
            }
            dropped = spool.droppedSamples();
            assertThat(dropped).isPositive();
        }
        try (Spool spool = open(1_000, 100)) {
            assertThat(spool.droppedSamples()).isEqualTo(dropped);
        }
    }

    @Test
    void shouldWaitForNewRecords() throws Exception {
        try (Spool spool = open(1 << 20, 1 << 16)) {
            assertThat(spool.await(0, Duration.ofMillis(10))).isFalse();
            Thread writer = new Thread(() -> spool.append(record(0, 1)));
            writer.start();

            assertThat(spool.await(0, Duration.ofSeconds(30))).isTrue();
            writer.join();
        }
    }
}
