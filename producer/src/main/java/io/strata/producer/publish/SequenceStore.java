package io.strata.producer.publish;

import io.strata.producer.config.FsyncPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Objects;

/**
 * The node's batch sequence number, kept in {@code <dir>/sequence} so that it keeps growing across restarts: each
 * number is written (to a temporary file, forced to disk unless the policy is {@link FsyncPolicy#NEVER}, then renamed)
 * before it is used, so a number is never handed out twice. Not thread-safe: the collecting thread owns it.
 *
 * <p>A fresh store (no file yet) starts at the clock's epoch milliseconds, not at 1: if the spool directory was wiped,
 * the node's earlier numbers are gone with it, and consumers drop a batch whose sequence is not above the last one
 * they saw for the node as a replay. At one batch per collection interval (a second or more), the numbers a node
 * handed out stay below the wall clock in milliseconds, so a fresh start is above all of them.
 */
public final class SequenceStore {

    private static final String FILE = "sequence";

    private final Path file;
    private final Path temporary;
    private final FsyncPolicy fsync;
    private final Clock clock;
    private long last;

    private SequenceStore(Path dir, FsyncPolicy fsync, Clock clock, long last) {
        this.file = dir.resolve(FILE);
        this.temporary = dir.resolve(FILE + ".tmp");
        this.fsync = fsync;
        this.clock = clock;
        this.last = last;
    }

    /**
     * Opens the sequence kept in {@code dir}; when there is none, the first number will be the system clock's epoch
     * milliseconds.
     *
     * @throws UncheckedIOException if the file cannot be read or holds no number
     */
    public static SequenceStore open(Path dir, FsyncPolicy fsync) {
        return open(dir, fsync, Clock.systemUTC());
    }

    /**
     * Opens the sequence kept in {@code dir}; when there is none, the first number will be {@code clock}'s epoch
     * milliseconds.
     *
     * @throws UncheckedIOException if the file cannot be read or holds no number
     */
    public static SequenceStore open(Path dir, FsyncPolicy fsync, Clock clock) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(clock, "clock");
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            long last = 0;
            if (Files.exists(file)) {
                String text = Files.readString(file).strip();
                try {
                    last = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IOException("Not a sequence number in " + file + ": '" + text + "'", e);
                }
            }
            return new SequenceStore(dir, fsync, clock, last);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the sequence number in " + file, e);
        }
    }

    /** The last number handed out (0 before the first of a fresh store). */
    public long last() {
        return last;
    }

    /**
     * The next number, persisted before it is returned.
     *
     * @throws UncheckedIOException if it cannot be persisted (the number is then not used)
     */
    public long next() {
        // Fresh: from the clock (see the class comment); never 0 or below, which means "none handed out".
        long next = last == 0 ? Math.max(1, clock.millis()) : last + 1;
        try (FileChannel channel = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap((next + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            if (fsync != FsyncPolicy.NEVER) {
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot persist the sequence number in " + temporary, e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot persist the sequence number in " + file, e);
        }
        last = next;
        return next;
    }
}
