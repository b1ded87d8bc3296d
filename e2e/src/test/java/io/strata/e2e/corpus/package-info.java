/**
 * The bad-input corpus (issue 7): crafted records for every Strata topic, the generator that writes them to {@code
 * src/test/resources/corpus}, the end-to-end test that injects them between good records into a running streams
 * application and sink, and the throughput benchmark that compares a clean run with a run carrying the corpus.
 */
package io.strata.e2e.corpus;
