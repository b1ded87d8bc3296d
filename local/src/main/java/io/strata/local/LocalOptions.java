package io.strata.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a local run is asked to do.
 *
 * @param dataDir where the broker, the database, the probe's spool and the streams state live
 * @param kafkaPort the broker's port (0: any free one)
 * @param pgPort the database's port (0: any free one)
 * @param partitions partitions of every Strata topic
 * @param simulateNodes simulated nodes (0: none)
 * @param simulateMetrics series per simulated node
 * @param simulateInterval tick interval of the simulated nodes
 * @param backfill history generated for the simulated nodes before realtime (zero: none)
 * @param duration how long to run (null: until stopped)
 * @param statusInterval how often a status line is printed
 * @param probe whether the probe of this host runs
 * @param overrides configuration keys for every app ({@code -D key=value})
 */
record LocalOptions(
        Path dataDir,
        int kafkaPort,
        int pgPort,
        int partitions,
        int simulateNodes,
        int simulateMetrics,
        Duration simulateInterval,
        Duration backfill,
        Duration duration,
        Duration statusInterval,
        boolean probe,
        Map<String, String> overrides) {

    LocalOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(simulateInterval, "simulateInterval");
        Objects.requireNonNull(backfill, "backfill");
        Objects.requireNonNull(statusInterval, "statusInterval");
        overrides = Map.copyOf(overrides);
    }
}
