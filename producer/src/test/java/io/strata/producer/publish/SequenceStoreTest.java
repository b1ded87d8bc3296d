package io.strata.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.producer.config.FsyncPolicy;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceStoreTest {

    @TempDir
    Path dir;

    private static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

    private static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    @Test
    void shouldStartAFreshStoreAtTheClocksEpochMilliseconds() {
        SequenceStore store = SequenceStore.open(dir, FsyncPolicy.ALWAYS, clockAt(NOW));

        assertThat(store.last()).isZero();
        assertThat(store.next()).isEqualTo(NOW.toEpochMilli());
        assertThat(store.next()).isEqualTo(NOW.toEpochMilli() + 1);
    }

    @Test
    void shouldContinueAfterARestartWhateverTheClockSays() {
        SequenceStore first = SequenceStore.open(dir, FsyncPolicy.INTERVAL, clockAt(NOW));
        for (int i = 0; i < 41; i++) {
            first.next();
        }

        SequenceStore second = SequenceStore.open(dir, FsyncPolicy.INTERVAL, clockAt(NOW.plusSeconds(3600)));

        assertThat(second.last()).isEqualTo(NOW.toEpochMilli() + 40);
        assertThat(second.next()).isEqualTo(NOW.toEpochMilli() + 41);
        assertThat(dir.resolve("sequence.tmp")).doesNotExist();
    }

    @Test
    void shouldContinueAStoreWrittenBeforeSequencesCameFromTheClock() throws Exception {
        Files.writeString(dir.resolve("sequence"), "41\n");

        assertThat(SequenceStore.open(dir, FsyncPolicy.NEVER, clockAt(NOW)).next())
                .isEqualTo(42);
    }

    @Test
    void shouldStartAboveEverythingSentBeforeWhenTheSpoolWasWiped() throws Exception {
        // A thousand batches at one per second, then the spool directory is lost.
        SequenceStore lost = SequenceStore.open(dir, FsyncPolicy.NEVER, clockAt(NOW));
        long lastSent = 0;
        for (int i = 0; i < 1000; i++) {
            lastSent = lost.next();
        }
        Files.delete(dir.resolve("sequence"));

        SequenceStore fresh = SequenceStore.open(dir, FsyncPolicy.NEVER, clockAt(NOW.plusSeconds(1000)));

        assertThat(fresh.next()).isGreaterThan(lastSent);
    }

    @Test
    void shouldRefuseAFileThatHoldsNoNumber() throws Exception {
        Files.writeString(dir.resolve("sequence"), "garbage");

        assertThatThrownBy(() -> SequenceStore.open(dir, FsyncPolicy.NEVER))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("sequence");
    }
}
