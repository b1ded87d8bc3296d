/**
 * The probe's run loop ({@link io.strata.producer.run.ProbeRunner}): collect every interval, publish through the
 * spool, inventory when it changes; and the probe's own telemetry ({@link io.strata.producer.run.SelfTelemetry}).
 */
package io.strata.producer.run;
