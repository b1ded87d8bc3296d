/** The {@code strata-sink} command line: run, migrate, maintain, snapshot, verify. */
package io.strata.sink.cli;
