package io.strata.e2e.corpus;

/**
 * Whether the pipeline under test deduplicates raw batches by (node id, sequence): the sink dead-letters a batch
 * whose sequence is at or below the last one it wrote for its node ({@code invalid.duplicate-sequence}) and streams
 * skips it. That change lands separately (a sink migration keeps the last sequence per node); until then the
 * corpus case {@value #CASE} is written twice, and the corpus test asserts exactly that. Once both are merged, this
 * returns true and the test asserts the dead letter.
 */
final class DuplicateSequence {

    static final String CASE = "raw/duplicate-sequence";

    private DuplicateSequence() {}

    /** True when the migrated schema keeps a per-node sequence (any column named like {@code %sequence%}). */
    static boolean isDeduplicated(CorpusPipeline pipeline) {
        return pipeline.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                        + " AND column_name LIKE '%sequence%'")
                > 0;
    }
}
