/** The {@code strata-probe} command line: {@code run}, {@code once} and {@code loadgen} (picocli). */
package io.strata.producer.cli;
