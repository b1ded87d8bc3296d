-- Replay protection for raw batches: the highest MetricBatch.sequence written per node, per consumer group (as
-- sink_offsets). The sink updates it in the same transaction as the batch's rows and offsets, and dead-letters a
-- batch whose sequence is not above it (invalid.duplicate-sequence): a probe's spool re-sending after a lost ack,
-- or a restarted generator regenerating an overlapping history, is never written twice.
CREATE TABLE sink_node_sequences (
    consumer_group        TEXT NOT NULL,
    node_key              TEXT NOT NULL,
    last_sequence         BIGINT NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, node_key)
);

-- The sink only; like sink_offsets, readers have no use for it.
GRANT SELECT, INSERT, UPDATE ON sink_node_sequences TO strata_writer;
