/** The node probe {@code strata-probe}: {@link io.strata.producer.ProbeMain} is its entry point. */
package io.strata.producer;
