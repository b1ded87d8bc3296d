/** Benchmarks: programs that print figures, run by hand (see {@link io.strata.sink.bench.SinkThroughputBench}). */
package io.strata.sink.bench;
