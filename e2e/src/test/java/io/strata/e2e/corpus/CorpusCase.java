package io.strata.e2e.corpus;

import java.util.List;
import java.util.Objects;

/**
 * One crafted record of the corpus.
 *
 * @param name {@code <topic kind>/<case>}, also its file name without {@code .bin}
 * @param topic the topic it is injected into
 * @param key the Kafka key (the node id the record claims, or a unique key for undecodable bytes)
 * @param description what is wrong with it (or what is odd but legal)
 * @param generated true when the bytes are too large to commit: they are generated at test time
 * @param outcome what the pipeline must do with it
 * @param deadLetters the dead letters it must cause, exactly (empty when it is stored)
 */
record CorpusCase(
        String name,
        String topic,
        String key,
        String description,
        boolean generated,
        Outcome outcome,
        List<ExpectedDeadLetter> deadLetters) {

    /** What becomes of a case. */
    enum Outcome {
        /** Dead-lettered, never written. */
        DEAD_LETTERED,
        /** Legal however odd: written, strings verbatim. */
        STORED
    }

    CorpusCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(outcome, "outcome");
        deadLetters = List.copyOf(deadLetters);
        if ((outcome == Outcome.STORED) != deadLetters.isEmpty()) {
            throw new IllegalArgumentException(name + ": a stored case has no dead letters, a bad one has some");
        }
    }

    /** The file of its bytes, relative to the corpus directory. */
    String fileName() {
        return name + ".bin";
    }
}
