package io.strata.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondRunOnTheSameDataDirectory() {
        try (DataDirectory first = DataDirectory.open(dir)) {
            assertThatThrownBy(() -> DataDirectory.open(dir))
                    .isInstanceOf(LocalModeException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("in use");
        }
        DataDirectory.open(dir).close(); // released by close
    }

    @Test
    void shouldRemoveAPostmasterPidWhoseProcessIsNotThatServer() throws Exception {
        try (DataDirectory data = DataDirectory.open(dir)) {
            Files.createDirectories(data.postgres());
            Path pidFile = data.postgres().resolve("postmaster.pid");
            // This JVM's pid: alive, but not a PostgreSQL server of this directory (a reused pid).
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n" + data.postgres() + "\n");

            data.recoverPostgres();

            assertThat(pidFile).doesNotExist();
        }
    }

    @Test
    void shouldLeaveADirectoryWithoutPostgresAlone() {
        try (DataDirectory data = DataDirectory.open(dir)) {
            data.recoverPostgres();
            assertThat(data.postgres()).doesNotExist();
        }
    }
}
