/**
 * The configuration convention shared by every Strata app: dotted keys read from built-in defaults, a
 * {@code --config} file (.properties or YAML), {@code STRATA_*} environment variables and command-line
 * overrides, later sources winning; typed getters that fail with a {@link io.strata.schemas.config.ConfigException}
 * naming the key and the bad value; secrets given as {@code <key>-file} and never printed.
 */
package io.strata.schemas.config;
