package io.strata.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory of a local run: {@code kafka/}, {@code postgres/}, {@code probe/}, {@code streams/} and {@code
 * simulate/}, locked by one run at a time. A run killed with SIGKILL leaves its PostgreSQL server running (it is a
 * separate process); the next run that takes the lock finds it through {@code postmaster.pid} and stops it.
 */
final class DataDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final String LOCK_FILE = "strata-local.lock";
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates (if needed) and locks the directory.
     *
     * @throws LocalModeException if another run holds it
     */
    static DataDirectory open(Path root) {
        try {
            Files.createDirectories(root);
            FileChannel channel =
                    FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM already
            }
            if (lock == null) {
                channel.close();
                throw new LocalModeException("The data directory " + root + " is in use by another strata-local"
                        + " process; stop it first, or pass another --data-dir");
            }
            return new DataDirectory(root, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create or lock the data directory " + root, e);
        }
    }

    Path root() {
        return root;
    }

    Path kafka() {
        return root.resolve("kafka");
    }

    Path postgres() {
        return root.resolve("postgres");
    }

    Path probe() {
        return root.resolve("probe");
    }

    Path streams() {
        return root.resolve("streams");
    }

    Path simulate() {
        return root.resolve("simulate");
    }

    /**
     * Stops a PostgreSQL server that a killed run left running on this directory, and removes a stale {@code
     * postmaster.pid} whose process is gone or is not that server.
     *
     * @throws LocalModeException if the server does not stop
     */
    void recoverPostgres() {
        Path pidFile = postgres().resolve("postmaster.pid");
        Optional<Long> pid = readPid(pidFile);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (process.isPresent() && isPostgresOf(process.get(), postgres())) {
            LOG.warn(
                    "A PostgreSQL server (pid {}) left running by an earlier strata-local on {} (killed?): stopping it",
                    pid.get(),
                    postgres());
            signal("INT", pid.get()); // fast shutdown: roll back, checkpoint, exit
            if (!awaitExit(process.get(), STOP_WAIT)) {
                process.get().destroy(); // SIGTERM
                if (!awaitExit(process.get(), STOP_WAIT)) {
                    throw new LocalModeException("PostgreSQL (pid " + pid.get() + ") left by an earlier run still uses "
                            + postgres() + " and does not stop; stop it (kill " + pid.get() + ") and start again");
                }
            }
            LOG.info("Stopped the PostgreSQL server left by the earlier run");
            return;
        }
        // The server is gone (the machine rebooted, or it crashed): its pid file is stale, and the pid may even
        // belong to another process now, which would make PostgreSQL refuse to start.
        LOG.warn("Removing the stale {} of a PostgreSQL server that is no longer running", pidFile);
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new LocalModeException("Cannot remove the stale " + pidFile + "; remove it and start again", e);
        }
    }

    private static Optional<Long> readPid(Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Cannot read {}: {}", pidFile, e.toString());
            return Optional.empty();
        }
    }

    private static boolean isPostgresOf(ProcessHandle process, Path dataDir) {
        String commandLine = process.info().commandLine().orElse("");
        if (commandLine.isEmpty()) {
            // No command line visible (another user's process?): read /proc directly where it exists.
            try {
                commandLine = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"))
                        .replace('\0', ' ');
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return commandLine.contains("postgres") && commandLine.contains(dataDir.toString());
    }

    private static void signal(String name, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            kill.getInputStream().readAllBytes();
            kill.waitFor();
        } catch (IOException e) {
            LOG.debug("kill -{} {} failed", name, pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !process.isAlive();
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("Cannot release the lock of {}", root, e);
        }
    }
}
