package io.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuildersTest {

    @Test
    void shouldRejectAPortOutOfRange() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().port(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> EmbeddedPostgres.builder().port(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void shouldRejectMissingArguments() {
        assertThatNullPointerException()
                .isThrownBy(() -> EmbeddedKafka.builder().dataDir(null))
                .withMessage("dataDir");
        assertThatNullPointerException()
                .isThrownBy(() -> EmbeddedKafka.builder().brokerProperty("k", null))
                .withMessage("value");
        assertThatNullPointerException()
                .isThrownBy(() -> EmbeddedPostgres.builder().serverConfig(null, "v"))
                .withMessage("key");
    }

    @Test
    void shouldRejectANonPositiveStartupTimeout() {
        assertThatThrownBy(() -> EmbeddedPostgres.builder().startupTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDeleteADirectoryTree() throws Exception {
        Path root = Files.createTempDirectory("strata-test-");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/c.txt"), "x");

        Directories.deleteRecursively(root);

        assertThat(root).doesNotExist();
    }
}
