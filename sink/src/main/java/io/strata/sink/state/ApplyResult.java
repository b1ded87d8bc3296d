package io.strata.sink.state;

/**
 * What applying one state record did.
 *
 * @param nodeId the {@code system_nodes.id} it applied to
 * @param outcome whether it was applied, found unchanged, or skipped as older than what is stored
 * @param upserted rows inserted or updated
 * @param deactivated rows marked inactive / stopped / not latest because they disappeared or changed
 */
public record ApplyResult(long nodeId, Outcome outcome, int upserted, int deactivated) {

    /** Outcome of applying one record. */
    public enum Outcome {
        /** The record was written. */
        APPLIED,
        /** Same content hash as the last applied record: only the verification time moved. */
        UNCHANGED,
        /** Collected before the last applied record: ignored. */
        STALE
    }
}
