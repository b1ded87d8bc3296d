package io.strata.producer.config;

import java.util.Locale;
import java.util.Optional;

/** When the spool forces its writes to disk. */
public enum FsyncPolicy {
    /** After every record: nothing acknowledged by the spool is lost on a power cut. */
    ALWAYS,
    /** At most once per {@code probe.spool.fsync-interval}: a power cut loses at most that much. */
    INTERVAL,
    /** Never explicitly: the operating system decides. */
    NEVER;

    /** The policy named by a configuration value, in any case. */
    static Optional<FsyncPolicy> parse(String text) {
        for (FsyncPolicy policy : values()) {
            if (policy.name().equalsIgnoreCase(text.strip())) {
                return Optional.of(policy);
            }
        }
        return Optional.empty();
    }

    /** The configuration spelling: {@code always}, {@code interval}, {@code never}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
