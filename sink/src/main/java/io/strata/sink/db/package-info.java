/**
 * The sink's database: Flyway migrations ({@link io.strata.sink.db.Migrations}), the Jdbi setup
 * ({@link io.strata.sink.db.Jdbis}), time-partition maintenance ({@link io.strata.sink.db.PartitionMaintenance}) and the refresh of the
 * materialized performance summary ({@link io.strata.sink.db.PerformanceSummary}).
 */
package io.strata.sink.db;
