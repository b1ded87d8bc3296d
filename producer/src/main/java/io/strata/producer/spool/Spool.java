package io.strata.producer.spool;

import io.strata.producer.config.FsyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, durable, append-only queue of records on disk.
 *
 * <p>Layout: segment files {@code <first index, 20 digits>.seg}, each a sequence of frames {@code [int length][int
 * CRC32C of the body][body]}, body {@code [short topic length][topic][short key length][key][int samples][int value
 * length][value]} (UTF-8, big-endian); and {@code spool.state} (written to a temporary file, then renamed) with the
 * first unacknowledged index and the dropped counts. A torn or corrupt tail found on opening (a crash mid-write) is cut
 * off with a warning.
 *
 * <p>Indexes grow by one per record and are never reused. {@link #read} hands records out in order;
 * {@link #acknowledge} marks them delivered, and segments wholly delivered are deleted. When the segments exceed
 * {@code maxBytes}, the oldest segments are deleted first: the records in them not yet handed to the sender are
 * counted as dropped (records and samples, kept across restarts) and logged. Records already handed out stay with the
 * sender, which retries them from memory.
 *
 * <p>Fsync: {@link FsyncPolicy#ALWAYS} forces every append and state change; {@link FsyncPolicy#INTERVAL} at most once
 * per interval; {@link FsyncPolicy#NEVER} leaves it to the operating system. Thread-safe (one monitor).
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final String SEGMENT_SUFFIX = ".seg";
    private static final String STATE_FILE = "spool.state";
    private static final int FRAME_HEADER = 8;
    /** Upper bound of one record, so that a corrupt length is not mistaken for a huge record. */
    private static final int MAX_BODY = 64 << 20;

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final FsyncPolicy fsync;
    private final long fsyncIntervalNanos;
    private final List<Segment> segments = new ArrayList<>();
    private FileChannel active;
    private long nextIndex;
    private long position;
    private long readHorizon;
    private long droppedSamples;
    private long droppedRecords;
    private long totalBytes;
    private long lastFsyncNanos = System.nanoTime();
    private boolean unsynced;
    private boolean closed;

    private Spool(Path dir, long maxBytes, long segmentBytes, FsyncPolicy fsync, Duration fsyncInterval) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
        this.fsyncIntervalNanos = fsyncInterval.toNanos();
    }

    /**
     * Opens (or creates) the spool in {@code dir}, recovering what a previous run left.
     *
     * @param maxBytes the bound on the segments' total size
     * @param segmentBytes the size at which a segment is closed and a new one started
     * @throws SpoolException if the directory cannot be read or written
     */
    public static Spool open(Path dir, long maxBytes, long segmentBytes, FsyncPolicy fsync, Duration fsyncInterval) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(fsyncInterval, "fsyncInterval");
        if (maxBytes <= 0 || segmentBytes <= 0) {
            throw new IllegalArgumentException("maxBytes and segmentBytes must be positive");
        }
        Spool spool = new Spool(dir, maxBytes, segmentBytes, fsync, fsyncInterval);
        try {
            spool.recover();
        } catch (IOException e) {
            throw new SpoolException("Cannot open the spool in " + dir, e);
        }
        return spool;
    }

    /**
     * Appends a record; it is on disk (and forced there under {@link FsyncPolicy#ALWAYS}) when this returns.
     *
     * @return the record's index
     * @throws SpoolException if the write fails
     */
    public synchronized long append(SpoolRecord record) {
        Objects.requireNonNull(record, "record");
        ensureOpen();
        ByteBuffer frame = frame(record);
        try {
            Segment segment = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (segment == null || active == null || (segment.count > 0 && segment.bytes >= segmentBytes)) {
                segment = roll();
            }
            long offset = segment.bytes;
            while (frame.hasRemaining()) {
                active.write(frame, offset + frame.position());
            }
            segment.add(offset, record.samples());
            segment.bytes += frame.limit();
            totalBytes += frame.limit();
            unsynced = true;
            long index = nextIndex++;
            maybeForce(false);
            enforceBound();
            notifyAll();
            return index;
        } catch (IOException e) {
            throw new SpoolException("Cannot append to the spool in " + dir, e);
        }
    }

    /**
     * Reads up to {@code maxRecords} records in index order, starting at {@code fromIndex} (or the oldest record
     * neither acknowledged nor dropped, if that is later). A record whose checksum fails is logged, counted as dropped and skipped.
     */
    public synchronized List<SpoolEntry> read(long fromIndex, int maxRecords) {
        ensureOpen();
        List<SpoolEntry> result = new ArrayList<>();
        long index = Math.max(fromIndex, Math.max(position, firstIndex()));
        for (Segment segment : segments) {
            if (result.size() >= maxRecords) {
                break;
            }
            if (index >= segment.end() || segment.count == 0) {
                continue;
            }
            try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ)) {
                for (long i = Math.max(index, segment.firstIndex);
                        i < segment.end() && result.size() < maxRecords;
                        i++) {
                    int slot = (int) (i - segment.firstIndex);
                    SpoolRecord record = readAt(channel, segment.offsets[slot]);
                    if (record == null) {
                        LOG.error(
                                "Spool record {} in {} fails its checksum; dropping it ({} samples)",
                                i,
                                segment.path,
                                segment.samples[slot]);
                        if (i >= readHorizon) {
                            droppedRecords++;
                            droppedSamples += segment.samples[slot];
                        }
                    } else {
                        result.add(new SpoolEntry(i, record));
                    }
                    index = i + 1;
                }
            } catch (IOException e) {
                throw new SpoolException("Cannot read the spool segment " + segment.path, e);
            }
        }
        readHorizon = Math.max(readHorizon, index);
        return result;
    }

    /**
     * Waits until a record at or after {@code fromIndex} exists, or the timeout passes.
     *
     * @return whether such a record exists
     */
    public synchronized boolean await(long fromIndex, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed && nextIndex <= fromIndex) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return nextIndex > fromIndex;
    }

    /**
     * Marks every record before {@code nextUnacknowledged} as delivered; segments wholly delivered are deleted.
     */
    public synchronized void acknowledge(long nextUnacknowledged) {
        ensureOpen();
        if (nextUnacknowledged <= position) {
            return;
        }
        position = Math.min(nextUnacknowledged, nextIndex);
        readHorizon = Math.max(readHorizon, position);
        try {
            while (segments.size() > 1 && segments.get(0).end() <= position) {
                Segment done = segments.remove(0);
                totalBytes -= done.bytes;
                Files.deleteIfExists(done.path);
            }
            writeState();
        } catch (IOException e) {
            throw new SpoolException("Cannot record the delivered position in " + dir, e);
        }
    }

    /** The index of the first record not yet acknowledged. */
    public synchronized long position() {
        return position;
    }

    /** The index the next appended record gets. */
    public synchronized long nextIndex() {
        return nextIndex;
    }

    /** Records appended and neither acknowledged nor dropped. */
    public synchronized long pendingRecords() {
        return nextIndex - position;
    }

    /** Bytes of the segments on disk. */
    public synchronized long bytes() {
        return totalBytes;
    }

    /** Samples dropped by the bound (or lost to corruption) since the spool was created. */
    public synchronized long droppedSamples() {
        return droppedSamples;
    }

    /** Records dropped by the bound (or lost to corruption) since the spool was created. */
    public synchronized long droppedRecords() {
        return droppedRecords;
    }

    /** Forces what was written to disk and closes the files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            if (active != null) {
                if (fsync != FsyncPolicy.NEVER) {
                    active.force(false);
                }
                active.close();
                active = null;
            }
            writeState();
        } catch (IOException e) {
            LOG.warn("Closing the spool in {} failed", dir, e);
        } finally {
            closed = true;
            notifyAll();
        }
    }

    private long firstIndex() {
        return segments.isEmpty() ? nextIndex : segments.get(0).firstIndex;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The spool in " + dir + " is closed");
        }
    }

    private Segment roll() throws IOException {
        if (active != null) {
            if (fsync != FsyncPolicy.NEVER) {
                active.force(false);
            }
            active.close();
        }
        Segment segment = new Segment(nextIndex, dir.resolve(String.format("%020d%s", nextIndex, SEGMENT_SUFFIX)));
        active = FileChannel.open(
                segment.path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        active.truncate(0);
        segments.add(segment);
        if (fsync == FsyncPolicy.ALWAYS) {
            forceDirectory();
        }
        return segment;
    }

    private void enforceBound() throws IOException {
        boolean dropped = false;
        while (totalBytes > maxBytes && segments.size() > 1) {
            Segment oldest = segments.remove(0);
            long firstLost = Math.max(Math.max(position, readHorizon), oldest.firstIndex);
            long records = 0;
            long samples = 0;
            for (long i = firstLost; i < oldest.end(); i++) {
                records++;
                samples += oldest.samples[(int) (i - oldest.firstIndex)];
            }
            totalBytes -= oldest.bytes;
            Files.deleteIfExists(oldest.path);
            droppedRecords += records;
            droppedSamples += samples;
            position = Math.max(position, oldest.end());
            readHorizon = Math.max(readHorizon, oldest.end());
            dropped = true;
            if (records > 0) {
                LOG.warn(
                        "Spool over its bound of {} bytes: dropped the oldest segment {} with {} unsent records ({}"
                                + " samples, indexes {} to {}); {} samples dropped in all",
                        maxBytes,
                        oldest.path.getFileName(),
                        records,
                        samples,
                        firstLost,
                        oldest.end() - 1,
                        droppedSamples);
            }
        }
        if (dropped) {
            writeState();
        }
    }

    private void maybeForce(boolean always) throws IOException {
        if (!unsynced || active == null) {
            return;
        }
        boolean due =
                switch (fsync) {
                    case ALWAYS -> true;
                    case INTERVAL -> always || System.nanoTime() - lastFsyncNanos >= fsyncIntervalNanos;
                    case NEVER -> false;
                };
        if (due) {
            active.force(false);
            lastFsyncNanos = System.nanoTime();
            unsynced = false;
        }
    }

    private void writeState() throws IOException {
        Properties state = new Properties();
        state.setProperty("position", Long.toString(position));
        state.setProperty("droppedSamples", Long.toString(droppedSamples));
        state.setProperty("droppedRecords", Long.toString(droppedRecords));
        Path temporary = dir.resolve(STATE_FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            StringBuilder text = new StringBuilder("# strata-probe spool state\n");
            state.stringPropertyNames().stream().sorted().forEach(key -> text.append(key)
                    .append('=')
                    .append(state.getProperty(key))
                    .append('\n'));
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            if (fsync == FsyncPolicy.ALWAYS) {
                channel.force(true);
            }
        }
        Files.move(
                temporary,
                dir.resolve(STATE_FILE),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        if (fsync == FsyncPolicy.ALWAYS) {
            forceDirectory();
        }
    }

    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the rename is still atomic.
            LOG.debug("Cannot fsync the directory {}", dir, e);
        }
    }

    private void recover() throws IOException {
        Files.createDirectories(dir);
        Path stateFile = dir.resolve(STATE_FILE);
        if (Files.exists(stateFile)) {
            Properties state = new Properties();
            try (var in = Files.newInputStream(stateFile)) {
                state.load(in);
            }
            position = Long.parseLong(state.getProperty("position", "0"));
            droppedSamples = Long.parseLong(state.getProperty("droppedSamples", "0"));
            droppedRecords = Long.parseLong(state.getProperty("droppedRecords", "0"));
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SEGMENT_SUFFIX)) {
            stream.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            String name = file.getFileName().toString();
            long first;
            try {
                first = Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length()));
            } catch (NumberFormatException e) {
                LOG.warn("Ignoring {} in the spool: not a segment name", file);
                continue;
            }
            Segment segment = scan(first, file);
            if (segment.count == 0) {
                Files.deleteIfExists(file);
                continue;
            }
            if (!segments.isEmpty() && segments.get(segments.size() - 1).end() != first) {
                LOG.error(
                        "Spool segments are not contiguous: {} follows index {}; the records between are lost",
                        file.getFileName(),
                        segments.get(segments.size() - 1).end() - 1);
            }
            segments.add(segment);
            totalBytes += segment.bytes;
        }
        nextIndex = segments.isEmpty()
                ? position
                : segments.get(segments.size() - 1).end();
        if (!segments.isEmpty()) {
            position = Math.max(position, segments.get(0).firstIndex);
        }
        position = Math.min(position, nextIndex);
        readHorizon = position;
        while (segments.size() > 1 && segments.get(0).end() <= position) {
            Segment done = segments.remove(0);
            totalBytes -= done.bytes;
            Files.deleteIfExists(done.path);
        }
        if (!segments.isEmpty()) {
            Segment last = segments.get(segments.size() - 1);
            active = FileChannel.open(last.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        writeState();
        if (nextIndex > position) {
            LOG.info(
                    "Spool in {} holds {} undelivered records ({} bytes); they are sent before new data",
                    dir,
                    nextIndex - position,
                    totalBytes);
        }
    }

    /** Reads a segment's frames; cuts off a torn or corrupt tail. */
    private static Segment scan(long first, Path file) throws IOException {
        Segment segment = new Segment(first, file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long offset = 0;
            ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
            while (offset + FRAME_HEADER <= size) {
                header.clear();
                readFully(channel, header, offset);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 0 || length > MAX_BODY || offset + FRAME_HEADER + length > size) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(channel, body, offset + FRAME_HEADER);
                if (crc(body.array()) != crc) {
                    break;
                }
                segment.add(offset, decode(body.array()).samples());
                offset += FRAME_HEADER + length;
            }
            if (offset < size) {
                LOG.warn(
                        "Spool segment {}: cutting off {} bytes of torn or corrupt data after record {}",
                        file.getFileName(),
                        size - offset,
                        segment.end() - 1);
                channel.truncate(offset);
                channel.force(true);
            }
            segment.bytes = offset;
        }
        return segment;
    }

    private static SpoolRecord readAt(FileChannel channel, long offset) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
        readFully(channel, header, offset);
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        if (length < 0 || length > MAX_BODY) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, offset + FRAME_HEADER);
        if (crc(body.array()) != crc) {
            return null;
        }
        return decode(body.array());
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long offset) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, offset + buffer.position());
            if (read < 0) {
                throw new IOException("Unexpected end of spool file");
            }
        }
    }

    static ByteBuffer frame(SpoolRecord record) {
        byte[] topic = record.topic().getBytes(StandardCharsets.UTF_8);
        byte[] key = record.key().getBytes(StandardCharsets.UTF_8);
        if (topic.length > Short.MAX_VALUE || key.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("topic or key too long for the spool");
        }
        int bodyLength = 2 + topic.length + 2 + key.length + 4 + 4 + record.value().length;
        ByteBuffer body = ByteBuffer.allocate(bodyLength);
        body.putShort((short) topic.length).put(topic);
        body.putShort((short) key.length).put(key);
        body.putInt(record.samples());
        body.putInt(record.value().length).put(record.value());
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER + bodyLength);
        frame.putInt(bodyLength).putInt(crc(body.array())).put(body.array());
        frame.flip();
        return frame;
    }

    private static SpoolRecord decode(byte[] bytes) {
        ByteBuffer body = ByteBuffer.wrap(bytes);
        byte[] topic = new byte[body.getShort()];
        body.get(topic);
        byte[] key = new byte[body.getShort()];
        body.get(key);
        int samples = body.getInt();
        byte[] value = new byte[body.getInt()];
        body.get(value);
        return new SpoolRecord(
                new String(topic, StandardCharsets.UTF_8), new String(key, StandardCharsets.UTF_8), value, samples);
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }

    /** One segment file: where its records start and how many samples each holds. */
    private static final class Segment {
        final long firstIndex;
        final Path path;
        long bytes;
        int count;
        long[] offsets = new long[16];
        int[] samples = new int[16];

        Segment(long firstIndex, Path path) {
            this.firstIndex = firstIndex;
            this.path = path;
        }

        long end() {
            return firstIndex + count;
        }

        void add(long offset, int sampleCount) {
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
                samples = Arrays.copyOf(samples, count * 2);
            }
            offsets[count] = offset;
            samples[count] = sampleCount;
            count++;
        }
    }
}
