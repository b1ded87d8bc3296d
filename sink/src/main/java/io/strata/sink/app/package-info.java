/** The sink as a running process: configuration, database pool, ingestion, schedules, health and metrics. */
package io.strata.sink.app;
