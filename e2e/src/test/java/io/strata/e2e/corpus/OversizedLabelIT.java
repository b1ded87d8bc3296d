package io.strata.e2e.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.streams.StreamsApp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * The corpus case {@value #CASE} (a raw batch with a 1,000,000-character label value), alone: the sink
 * dead-letters it ({@code invalid.label-value-too-long}), but the streams application does not check labels, rolls
 * it up, and fails to write its hourly-bucket changelog record (the bucket key and value both carry the label: 2 MB,
 * over the producer's 1 MB max.request.size): a fatal error that stops it, and it fails again on the same record
 * after every restart. This test asserts that behaviour as it is today; it is a bug (streams should dead-letter the
 * batch like the sink), and once streams bounds labels this test must expect its dead letter instead.
 */
@WithEmbeddedPostgres
class OversizedLabelIT {

    static final String CASE = "raw/label-value-1mb";

    @Test
    void shouldBeDeadLetteredByTheSinkWhileItStopsTheStreamsApplication(EmbeddedPostgres postgres) throws Exception {
        CorpusDirectory corpus = CorpusDirectory.load();
        CorpusCase oversized = corpus.cases().stream()
                .filter(c -> c.name().equals(CASE))
                .findFirst()
                .orElseThrow();
        try (CorpusPipeline pipeline = CorpusPipeline.create(postgres, "corpus_oversized_it", 1)) {
            pipeline.startStreams();
            pipeline.startSink();
            for (GoodLoad.Good good : GoodLoad.raw(6)) {
                pipeline.send(good.topic(), good.key(), good.value());
            }
            RecordMetadata at =
                    CorpusPipeline.await(pipeline.send(oversized.topic(), oversized.key(), corpus.bytes(oversized)));

            CorpusPipeline.await("the sink's dead letter", Duration.ofMinutes(2), () -> !pipeline.readAll(
                            List.of(TopicCatalog.DEADLETTER))
                    .isEmpty());
            List<ConsumerRecord<byte[], byte[]>> deadLetters = pipeline.readAll(List.of(TopicCatalog.DEADLETTER));
            assertThat(deadLetters).hasSize(1);
            assertThat(header(deadLetters.get(0), DeadLetterHeaders.REASON)).isEqualTo("invalid.label-value-too-long");
            assertThat(header(deadLetters.get(0), DeadLetterHeaders.OFFSET)).isEqualTo(Long.toString(at.offset()));
            assertThat(deadLetters.get(0).value()).isEqualTo(corpus.bytes(oversized));

            // The bug: the streams application stops with a fatal error instead of dead-lettering the batch.
            assertThat(pipeline.streams().stopped().get(2, TimeUnit.MINUTES)).isEqualTo(StreamsApp.EXIT_FATAL);
            assertThat(pipeline.count("SELECT count(*) FROM metric_samples")).isEqualTo(6L * 4 * 6);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
