package io.strata.e2e.corpus;

/**
 * Whether the sink deduplicates raw batches by (node id, sequence): it dead-letters a batch whose sequence is not
 * above the last one it wrote for its node ({@code invalid.duplicate-sequence}). The streams half (skip the replay,
 * no dead letter) is on main; the sink half lands separately, with a migration that keeps the last sequence per node.
 * Until it is merged the sink writes the corpus case {@value #CASE} a second time, and the corpus test asserts exactly
 * that; once merged, this returns true and the test asserts the dead letter.
 */
final class DuplicateSequence {

    static final String CASE = "raw/duplicate-sequence";

    private DuplicateSequence() {}

    /** True when the migrated schema keeps a per-node sequence (a column named like {@code %sequence%}). */
    static boolean isDeduplicatedBySink(CorpusPipeline pipeline) {
        return pipeline.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                        + " AND column_name LIKE '%sequence%'")
                > 0;
    }
}
