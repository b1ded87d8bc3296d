/**
 * End-to-end proofs that every app refuses an invalid configuration: each app's real entry point in its own JVM, one
 * case per kind of mistake, each exiting non-zero in bounded time with a message naming the key.
 */
package io.strata.e2e.config;
