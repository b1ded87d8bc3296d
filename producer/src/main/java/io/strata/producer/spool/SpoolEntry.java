package io.strata.producer.spool;

/**
 * A record read back from the spool with its position.
 *
 * @param index the record's position in the spool (increasing by one per record, never reused)
 * @param record the record
 */
public record SpoolEntry(long index, SpoolRecord record) {}
