package io.strata.schemas.topic;

import java.util.List;
import java.util.Objects;

/**
 * What a reconciliation did: topics created, configs corrected, and problems it found but must not fix by itself
 * (for example fewer partitions than configured).
 *
 * @param created topics created by this run
 * @param corrected configs set back to the catalog's values, with old and new value
 * @param warnings problems left for an operator, one sentence each
 */
public record ReconcileReport(List<String> created, List<ConfigCorrection> corrected, List<String> warnings) {

    /** Copies. */
    public ReconcileReport {
        created = List.copyOf(Objects.requireNonNull(created, "created"));
        corrected = List.copyOf(Objects.requireNonNull(corrected, "corrected"));
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }

    /** Whether the run changed anything on the cluster. */
    public boolean hasChanges() {
        return !created.isEmpty() || !corrected.isEmpty();
    }

    /** Whether the cluster matched the catalog with nothing to change and nothing to warn about. */
    public boolean isClean() {
        return !hasChanges() && warnings.isEmpty();
    }

    /** A one-line summary. */
    @Override
    public String toString() {
        return "ReconcileReport[created=" + created + ", corrected=" + corrected + ", warnings=" + warnings + "]";
    }
}
