/**
 * A deterministic simulated fleet: every value is a pure function of seed, node, series and time, so the probe's load
 * generator can publish it and any test or benchmark can recompute exactly what the pipeline must have stored.
 */
package io.strata.schemas.simulate;
