package io.strata.streams.rollup;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The hourly bucket store with a write-back cache of decoded buckets in front of an ordinary (metered, cached,
 * change-logged RocksDB) key-value store.
 *
 * <p>Why: a bucket changes with every sample of its series, and decoding and encoding it (sketch, counter samples)
 * on every sample costs several microseconds, more than everything else the topology does per sample. Here a bucket
 * is decoded once, updated in memory, and encoded once per commit.
 *
 * <p>Correctness under exactly-once: before a task commits, Kafka Streams flushes every store's cache
 * ({@code flushCache}, ahead of flushing the producer and committing the transaction); this store first writes its
 * dirty buckets into the inner store, whose own cache flush then sends them to the changelog inside the same
 * transaction as the input offsets. Restoration writes to the inner store directly; the in-memory map starts empty
 * on every {@code init} and is dropped on {@code close} and {@code clearCache} (a dirty close).
 *
 * <p>This relies on {@link WrappedStateStore}, Kafka Streams' own (internal) base class of store layers, with the
 * same contract as its caching layer; Kafka's version is pinned in the parent POM.
 *
 * <p>Clean buckets beyond {@code maxCachedBuckets} are evicted least-recently-used at each flush. Values returned by
 * {@link #get} are the cached instances: callers that change one must {@link #put} it back, and must copy it if they
 * want to change it without storing it.
 */
final class WriteBackBucketStore extends WrappedStateStore<KeyValueStore<Bytes, HourlyBucket>, Bytes, HourlyBucket>
        implements KeyValueStore<Bytes, HourlyBucket> {

    private final int maxCachedBuckets;
    private final LinkedHashMap<Bytes, HourlyBucket> cached = new LinkedHashMap<>(1024, 0.75f, true);
    private final LinkedHashMap<Bytes, HourlyBucket> dirty = new LinkedHashMap<>();

    WriteBackBucketStore(KeyValueStore<Bytes, HourlyBucket> inner, int maxCachedBuckets) {
        super(inner);
        this.maxCachedBuckets = maxCachedBuckets;
    }

    /** A builder wrapping the builder of the inner store. */
    static StoreBuilder<WriteBackBucketStore> builder(StoreBuilder<KeyValueStore<Bytes, HourlyBucket>> inner, int max) {
        return new Builder(inner, max);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        cached.clear();
        dirty.clear();
        super.init(context, root);
    }

    @Override
    public HourlyBucket get(Bytes key) {
        HourlyBucket bucket = cached.get(key);
        if (bucket == null) {
            bucket = wrapped().get(key);
            if (bucket != null) {
                cached.put(key, bucket);
            }
        }
        return bucket;
    }

    @Override
    public void put(Bytes key, HourlyBucket value) {
        if (value == null) {
            delete(key);
            return;
        }
        cached.put(key, value);
        dirty.put(key, value);
    }

    @Override
    public HourlyBucket putIfAbsent(Bytes key, HourlyBucket value) {
        HourlyBucket existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, HourlyBucket>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public HourlyBucket delete(Bytes key) {
        HourlyBucket previous = get(key);
        cached.remove(key);
        dirty.remove(key);
        wrapped().delete(key);
        return previous;
    }

    @Override
    public KeyValueIterator<Bytes, HourlyBucket> range(Bytes from, Bytes to) {
        writeDirty();
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, HourlyBucket> all() {
        writeDirty();
        return wrapped().all();
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries() + dirty.size();
    }

    @Override
    public void flushCache() {
        writeDirty();
        super.flushCache();
        if (cached.size() > maxCachedBuckets) {
            Iterator<Bytes> oldest = cached.keySet().iterator();
            while (cached.size() > maxCachedBuckets && oldest.hasNext()) {
                oldest.next();
                oldest.remove();
            }
        }
    }

    @Override
    public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {
        writeDirty();
        super.commit(changelogOffsets);
    }

    @Override
    public void clearCache() {
        cached.clear();
        dirty.clear();
        super.clearCache();
    }

    @Override
    public void close() {
        cached.clear();
        dirty.clear();
        super.close();
    }

    private void writeDirty() {
        if (dirty.isEmpty()) {
            return;
        }
        List<KeyValue<Bytes, HourlyBucket>> entries = new ArrayList<>(dirty.size());
        dirty.forEach((key, value) -> entries.add(KeyValue.pair(key, value)));
        dirty.clear();
        wrapped().putAll(entries);
    }

    private static final class Builder implements StoreBuilder<WriteBackBucketStore> {
        private final StoreBuilder<KeyValueStore<Bytes, HourlyBucket>> inner;
        private final int maxCachedBuckets;

        Builder(StoreBuilder<KeyValueStore<Bytes, HourlyBucket>> inner, int maxCachedBuckets) {
            this.inner = inner;
            this.maxCachedBuckets = maxCachedBuckets;
        }

        @Override
        public StoreBuilder<WriteBackBucketStore> withCachingEnabled() {
            inner.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<WriteBackBucketStore> withCachingDisabled() {
            inner.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<WriteBackBucketStore> withLoggingEnabled(Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<WriteBackBucketStore> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public WriteBackBucketStore build() {
            return new WriteBackBucketStore(inner.build(), maxCachedBuckets);
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
