package io.strata.e2e.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.strata.schemas.serde.AvroSerde;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.serde.RecordDecodingException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CorpusFilesTest {

    private final Corpus corpus = Corpus.build();

    @Test
    void shouldHaveCommittedExactlyWhatTheGeneratorWrites() throws IOException, URISyntaxException {
        Map<String, byte[]> expected = CorpusWriter.files(corpus);
        for (Map.Entry<String, byte[]> file : expected.entrySet()) {
            assertThat(CorpusDirectory.resource(CorpusDirectory.ROOT + file.getKey()))
                    .as("%s (regenerate with CorpusWriter)", file.getKey())
                    .hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(file.getValue()));
        }
        Path root = Path.of(CorpusDirectory.class
                        .getClassLoader()
                        .getResource(CorpusDirectory.ROOT + CorpusManifest.FILE)
                        .toURI())
                .getParent();
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(path -> path.toString().endsWith(".bin"))
                            .map(path -> root.relativize(path).toString().replace('\\', '/')))
                    .as("stale corpus files")
                    .allMatch(expected::containsKey);
        }
    }

    @Test
    void shouldReadBackFromTheManifestEveryCaseOfTheGenerator() {
        assertThat(CorpusDirectory.load().cases()).containsExactlyElementsOf(corpus.cases());
        assertThat(CorpusManifest.read(CorpusManifest.write(corpus.cases()))).isEqualTo(corpus.cases());
    }

    @Test
    void shouldGenerateTheSameBytesEveryTime() {
        for (CorpusCase c : corpus.cases()) {
            assertThat(Corpus.build().bytes(c.name())).as(c.name()).isEqualTo(corpus.bytes(c.name()));
        }
    }

    @Test
    void shouldFailToDecodeExactlyTheDecodeLevelCasesWithTheirReason() {
        CorpusDirectory directory = CorpusDirectory.load();
        for (CorpusCase c : corpus.cases()) {
            AvroSerde<?> serde = serdeOf(c.topic());
            List<String> decodeReasons = c.deadLetters().stream()
                    .filter(expected -> expected.topic().equals(c.topic()))
                    .map(ExpectedDeadLetter::reason)
                    .filter(reason -> reason.startsWith("decode."))
                    .distinct()
                    .toList();
            byte[] bytes = directory.bytes(c);
            if (decodeReasons.isEmpty()) {
                assertThat(serde.deserialize(c.topic(), bytes)).as(c.name()).isNotNull();
            } else {
                RecordDecodingException error =
                        catchThrowableOfType(RecordDecodingException.class, () -> serde.deserialize(c.topic(), bytes));
                assertThat(error).as(c.name()).isNotNull();
                assertThat(List.of(error.reason().code())).as(c.name()).isEqualTo(decodeReasons);
            }
        }
    }

    @Test
    void shouldCoverEveryTopicWithTheThreeDecodeLevelKinds() {
        for (String topic :
                List.of(Corpus.RAW, Corpus.HOURLY, Corpus.DAILY, Corpus.INVENTORY, Corpus.PGSTATE, Corpus.CHANGES)) {
            assertThat(corpus.cases().stream()
                            .filter(c -> c.topic().equals(topic))
                            .flatMap(c -> c.deadLetters().stream())
                            .map(ExpectedDeadLetter::reason))
                    .as(topic)
                    .contains("decode.truncated", "decode.unknown-fingerprint", "decode.wrong-record-type");
        }
    }

    static AvroSerde<?> serdeOf(String topic) {
        return switch (topic) {
            case Corpus.RAW -> AvroSerdes.metricBatch();
            case Corpus.HOURLY, Corpus.DAILY -> AvroSerdes.metricRollup();
            case Corpus.INVENTORY -> AvroSerdes.nodeInventory();
            case Corpus.PGSTATE -> AvroSerdes.postgresState();
            case Corpus.CHANGES -> AvroSerdes.changeEvent();
            default -> throw new IllegalArgumentException(topic);
        };
    }
}
