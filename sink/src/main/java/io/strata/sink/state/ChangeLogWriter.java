package io.strata.sink.state;

import io.strata.schemas.avro.ChangeEvent;
import java.util.Locale;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * Appends {@link ChangeEvent}s to {@code change_log}. The audit trail is append-only; an event already stored (same
 * {@code eventId}) is not stored twice. An event for a node not (yet) known keeps its node key with a NULL
 * {@code node_id}. {@code oldValue}/{@code newValue} that are not JSON are kept verbatim as JSON strings.
 */
public final class ChangeLogWriter {

    /** Creates a writer; it holds no state and may be shared. */
    public ChangeLogWriter() {}

    /**
     * Appends the event in the caller's transaction.
     *
     * @return true if it was stored, false if an event with the same id already was
     */
    public boolean append(Handle handle, ChangeEvent event) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(event, "event");
        return handle.createUpdate("INSERT INTO change_log (event_id, node_id, node_key, change_type, "
                                + "change_category, table_affected, record_id, change_description, old_value, "
                                + "new_value, changed_by, change_reason, verification_status, detected_at, "
                                + "created_at) VALUES (:eventId, (SELECT id FROM system_nodes WHERE node_key = :nodeKey), "
                                + ":nodeKey, :type, :category, :table, :record, :description, strata_to_jsonb(:old), "
                                + "strata_to_jsonb(:new), :by, :reason, :verification, :detected, :detected) "
                                + "ON CONFLICT (event_id) DO NOTHING")
                        .bind("eventId", event.getEventId())
                        .bind("nodeKey", event.getNodeId())
                        .bind("type", event.getChangeType().name().toLowerCase(Locale.ROOT))
                        .bind("category", event.getChangeCategory())
                        .bind("table", event.getTableAffected())
                        .bind("record", event.getRecordKey())
                        .bind("description", event.getChangeDescription())
                        .bind("old", event.getOldValue())
                        .bind("new", event.getNewValue())
                        .bind("by", event.getChangedBy())
                        .bind("reason", event.getChangeReason())
                        .bind("verification", event.getVerificationStatus())
                        .bind("detected", event.getDetectedAt())
                        .execute()
                > 0;
    }
}
