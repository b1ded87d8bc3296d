/**
 * Writers that apply the Strata state records to PostgreSQL: {@link io.strata.sink.state.NodeInventoryWriter},
 * {@link io.strata.sink.state.PostgresStateWriter} and {@link io.strata.sink.state.ChangeLogWriter}, plus the node
 * lookup {@link io.strata.sink.state.Nodes}. Each method takes a Jdbi {@code Handle} so the caller can run it in the
 * transaction that also stores the consumed offsets. Rows are never deleted: what disappears is marked inactive.
 */
package io.strata.sink.state;
