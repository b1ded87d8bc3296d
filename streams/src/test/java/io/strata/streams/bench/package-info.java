/** Benchmark programs (not tests): run their {@code main} to print figures. */
package io.strata.streams.bench;
