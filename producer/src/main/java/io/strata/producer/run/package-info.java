/**
 * The probe's run loop ({@link io.strata.producer.run.ProbeRunner}): collect every interval, publish through the
 * spool, inventory when it changes.
 */
package io.strata.producer.run;
