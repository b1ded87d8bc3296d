/**
 * The topic catalog: Strata's topics as code, with partitions, cleanup policy and retention taken from
 * configuration and the retention policy, and an idempotent reconciliation against a running cluster.
 */
package io.strata.schemas.topic;
