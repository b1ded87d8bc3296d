/**
 * The pipeline benchmark: ceilings (COPY BINARY, a plain producer and consumer) and the whole pipeline (load
 * generator, broker, streams, sink) measured in one run, printed as a table and one JSON line.
 */
package io.strata.bench;
