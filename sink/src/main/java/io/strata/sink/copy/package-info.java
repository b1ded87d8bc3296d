/**
 * Raw samples into {@code metric_samples} by PostgreSQL {@code COPY ... FROM STDIN (FORMAT BINARY)}: a primitive
 * {@link io.strata.sink.copy.SampleBuffer} of rows, the binary encoder {@link io.strata.sink.copy.PgBinaryCopy} and
 * {@link io.strata.sink.copy.MetricSampleCopy}, which streams a buffer through pgjdbc's {@code CopyManager}.
 */
package io.strata.sink.copy;
