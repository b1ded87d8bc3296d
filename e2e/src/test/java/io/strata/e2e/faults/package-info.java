/**
 * The fault suite: a known simulated history flows through a real broker, the streams and sink processes (each in its
 * own JVM, killed with SIGKILL) and PostgreSQL while faults are injected, and the database is compared exactly with a
 * recomputation from the generator.
 */
package io.strata.e2e.faults;
