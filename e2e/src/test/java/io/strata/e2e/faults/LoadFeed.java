package io.strata.e2e.faults;

import io.strata.producer.spool.Spool;
import io.strata.producer.spool.SpoolRecord;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the {@link io.strata.producer.loadgen.LoadGenerator} sends through: a {@link Producer} that paces the sends
 * (so that a slice of history takes long enough for a fault to land in the middle of it) and counts them, and
 * either passes them to a real Kafka producer or appends them to the probe's real {@link Spool}, which a
 * {@code SpoolPublisher} drains to the broker, exactly as the probe does.
 */
final class LoadFeed {

    private final AtomicLong sent = new AtomicLong();
    private final long nanosPerRecord;

    /** A feed of at most {@code recordsPerSecond}. */
    LoadFeed(int recordsPerSecond) {
        this.nanosPerRecord = 1_000_000_000L / recordsPerSecond;
    }

    /** Records handed over so far (inventories included). */
    long sent() {
        return sent.get();
    }

    /** Sends through {@code kafka}, paced. */
    @SuppressWarnings("unchecked")
    Producer<String, byte[]> direct(Producer<String, byte[]> kafka) {
        return (Producer<String, byte[]>) Proxy.newProxyInstance(
                Producer.class.getClassLoader(), new Class<?>[] {Producer.class}, new Paced(kafka, null, 0, null));
    }

    /**
     * Appends to {@code spool}, paced: each record is on the spool's disk (and acknowledged to the generator) before
     * the next; records to {@code metricsTopic} count {@code samplesPerBatch} samples.
     */
    @SuppressWarnings("unchecked")
    Producer<String, byte[]> spooled(Spool spool, String metricsTopic, int samplesPerBatch) {
        return (Producer<String, byte[]>) Proxy.newProxyInstance(
                Producer.class.getClassLoader(),
                new Class<?>[] {Producer.class},
                new Paced(null, spool, samplesPerBatch, metricsTopic));
    }

    private final class Paced implements InvocationHandler {
        private final Producer<String, byte[]> kafka;
        private final Spool spool;
        private final int samplesPerBatch;
        private final String metricsTopic;
        private long next = System.nanoTime();

        Paced(Producer<String, byte[]> kafka, Spool spool, int samplesPerBatch, String metricsTopic) {
            this.kafka = kafka;
            this.spool = spool;
            this.samplesPerBatch = samplesPerBatch;
            this.metricsTopic = metricsTopic;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("send")) {
                pace();
                sent.incrementAndGet();
                ProducerRecord<String, byte[]> record = (ProducerRecord<String, byte[]>) args[0];
                Callback callback = args.length > 1 ? (Callback) args[1] : null;
                if (spool == null) {
                    return callback == null ? kafka.send(record) : kafka.send(record, callback);
                }
                int samples = record.topic().equals(metricsTopic) ? samplesPerBatch : 0;
                spool.append(new SpoolRecord(record.topic(), record.key(), record.value(), samples));
                if (callback != null) {
                    callback.onCompletion(null, null);
                }
                Future<Object> done = CompletableFuture.completedFuture(null);
                return done;
            }
            if (spool != null) {
                // flush and close: the spool holds everything already; nothing else is called by the generator.
                if (method.getName().equals("flush") || method.getName().equals("close")) {
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            }
            try {
                return method.invoke(kafka, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private void pace() {
            next += nanosPerRecord;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (wait < -100_000_000L) {
                next = System.nanoTime(); // fell behind (a blocked send): no burst to catch up
            }
        }
    }
}
