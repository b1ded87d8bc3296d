package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSequencesTest {

    private final NodeSequences sequences = new NodeSequences("group");

    @Test
    void shouldAcceptTheFirstBatchOfANodeWhateverItsSequence() {
        NodeSequences.Check check = sequences.check(Map.of());

        assertThat(check.accept("a", 0)).isTrue();
        assertThat(check.accept("b", -5)).isTrue();
        assertThat(check.accept("c", 1_700_000_000_000L)).isTrue();
    }

    @Test
    void shouldRejectTheSameSequenceTwiceInOnePollAndKeepTheFirst() {
        NodeSequences.Check check = sequences.check(Map.of());

        assertThat(check.accept("a", 7)).isTrue();
        assertThat(check.accept("a", 7)).isFalse();
        assertThat(check.accepted()).containsExactly(Map.entry("a", 7L));
    }

    @Test
    void shouldRejectAnOlderSequenceAfterANewerOneAndAcceptALaterOne() {
        NodeSequences.Check check = sequences.check(Map.of());

        assertThat(check.accept("a", 10)).isTrue();
        assertThat(check.accept("a", 9)).isFalse();
        assertThat(check.accept("a", 12)).isTrue();
        assertThat(check.accept("a", 11)).isFalse();
        assertThat(check.last("a")).isEqualTo(12L);
        assertThat(check.accepted()).containsExactly(Map.entry("a", 12L));
    }

    @Test
    void shouldJudgeEachNodeOnItsOwn() {
        NodeSequences.Check check = sequences.check(Map.of());

        assertThat(check.accept("a", 5)).isTrue();
        assertThat(check.accept("b", 3)).isTrue();
        assertThat(check.accept("b", 4)).isTrue();
        assertThat(check.accept("a", 4)).isFalse();
        assertThat(check.accepted()).containsOnly(Map.entry("a", 5L), Map.entry("b", 4L));
    }

    @Test
    void shouldRejectWhatIsNotAboveTheCommittedSequence() {
        sequences.committed(Map.of("a", 20L));
        NodeSequences.Check check = sequences.check(Map.of());

        assertThat(check.accept("a", 19)).isFalse();
        assertThat(check.accept("a", 20)).isFalse();
        assertThat(check.accept("a", 21)).isTrue();
    }

    @Test
    void shouldRejectWhatIsNotAboveTheTransactionInFlight() {
        sequences.committed(Map.of("a", 20L));
        NodeSequences.Check check = sequences.check(Map.of("a", 30L, "b", 2L));

        assertThat(check.accept("a", 25)).isFalse();
        assertThat(check.accept("a", 30)).isFalse();
        assertThat(check.accept("b", 2)).isFalse();
        assertThat(check.accept("a", 31)).isTrue();
        assertThat(check.accept("b", 3)).isTrue();
    }

    @Test
    void shouldForgetAPollThatNeverCommitted() {
        NodeSequences.Check failed = sequences.check(Map.of());
        assertThat(failed.accept("a", 40)).isTrue();

        // Its transaction failed: only committed sequences count when the same records are read again.
        NodeSequences.Check again = sequences.check(Map.of());
        assertThat(again.accept("a", 40)).isTrue();
    }

    @Test
    void shouldNeverLowerACommittedSequence() {
        sequences.committed(Map.of("a", 50L));
        sequences.committed(Map.of("a", 45L));

        assertThat(sequences.committed("a")).isEqualTo(50L);
        assertThat(sequences.check(Map.of()).accept("a", 46)).isFalse();
    }
}
