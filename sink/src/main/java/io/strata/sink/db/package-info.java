/**
 * The sink's database: Flyway migrations ({@link io.strata.sink.db.Migrations}), the Jdbi setup
 * ({@link io.strata.sink.db.Jdbis}) and time-partition maintenance ({@link io.strata.sink.db.PartitionMaintenance}).
 */
package io.strata.sink.db;
