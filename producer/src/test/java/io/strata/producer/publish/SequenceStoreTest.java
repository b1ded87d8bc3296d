package io.strata.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.producer.config.FsyncPolicy;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceStoreTest {

    @TempDir
    Path dir;

    @Test
    void shouldStartAtOne() {
        SequenceStore store = SequenceStore.open(dir, FsyncPolicy.ALWAYS);

        assertThat(store.last()).isZero();
        assertThat(store.next()).isEqualTo(1);
        assertThat(store.next()).isEqualTo(2);
    }

    @Test
    void shouldContinueAfterARestart() {
        SequenceStore first = SequenceStore.open(dir, FsyncPolicy.INTERVAL);
        for (int i = 0; i < 41; i++) {
            first.next();
        }

        SequenceStore second = SequenceStore.open(dir, FsyncPolicy.INTERVAL);

        assertThat(second.last()).isEqualTo(41);
        assertThat(second.next()).isEqualTo(42);
        assertThat(dir.resolve("sequence.tmp")).doesNotExist();
    }

    @Test
    void shouldRefuseAFileThatHoldsNoNumber() throws Exception {
        Files.writeString(dir.resolve("sequence"), "garbage");

        assertThatThrownBy(() -> SequenceStore.open(dir, FsyncPolicy.NEVER))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("sequence");
    }
}
