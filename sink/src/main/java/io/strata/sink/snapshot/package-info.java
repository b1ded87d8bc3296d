/**
 * Verified snapshots: the whole current state of the fleet as canonical JSON with its SHA-256, written to
 * {@code system_state_snapshots}; automated ones beyond the newest N are pruned, the others are kept forever.
 */
package io.strata.sink.snapshot;
