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
import java.util.Objects;

/**
 * The node's batch sequence number, kept in {@code <dir>/sequence} so that it keeps growing across restarts: each
 * number is written (to a temporary file, forced to disk unless the policy is {@link FsyncPolicy#NEVER}, then renamed)
 * before it is used, so a number is never handed out twice. Not thread-safe: the collecting thread owns it.
 */
public final class SequenceStore {

    private static final String FILE = "sequence";

    private final Path file;
    private final Path temporary;
    private final FsyncPolicy fsync;
    private long last;

    private SequenceStore(Path dir, FsyncPolicy fsync, long last) {
        this.file = dir.resolve(FILE);
        this.temporary = dir.resolve(FILE + ".tmp");
        this.fsync = fsync;
        this.last = last;
    }

    /**
     * Opens the sequence kept in {@code dir} (starting at 1 when there is none).
     *
     * @throws UncheckedIOException if the file cannot be read or holds no number
     */
    public static SequenceStore open(Path dir, FsyncPolicy fsync) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(fsync, "fsync");
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
            return new SequenceStore(dir, fsync, last);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the sequence number in " + file, e);
        }
    }

    /** The last number handed out (0 before the first). */
    public long last() {
        return last;
    }

    /**
     * The next number, persisted before it is returned.
     *
     * @throws UncheckedIOException if it cannot be persisted (the number is then not used)
     */
    public long next() {
        long next = last + 1;
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
