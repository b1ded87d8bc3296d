/**
 * The probe's configuration: {@link io.strata.producer.config.ProbeConfig}, read through the shared
 * {@link io.strata.schemas.config.StrataConfig} convention with defaults in
 * {@code io/strata/producer/probe-defaults.properties}.
 */
package io.strata.producer.config;
