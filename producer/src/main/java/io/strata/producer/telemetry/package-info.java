/**
 * The probe's own telemetry ({@link io.strata.producer.telemetry.SelfTelemetry}): samples of category
 * {@code strata.probe} in the same batches as the host metrics.
 */
package io.strata.producer.telemetry;
