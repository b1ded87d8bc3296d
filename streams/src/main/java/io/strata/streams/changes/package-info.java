/**
 * Inventory change detection: the last {@code NodeInventory} and {@code PostgresState} of every node are kept, and a
 * new one that differs becomes one {@code ChangeEvent} per changed item on {@code strata.changes}.
 */
package io.strata.streams.changes;
