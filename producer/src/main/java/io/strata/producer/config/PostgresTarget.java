package io.strata.producer.config;

import java.util.List;
import java.util.Objects;

/**
 * One PostgreSQL instance the probe watches, from {@code probe.postgres.<name>.*}.
 *
 * @param name the instance name (the {@code <name>} of the keys; part of the {@code strata.pgstate} key)
 * @param url the JDBC URL
 * @param user the user, or null to let the driver decide
 * @param password the password, or null; never logged ({@link #toString()} masks it)
 * @param databases the databases whose schema is described; empty means the URL's database
 */
public record PostgresTarget(String name, String url, String user, String password, List<String> databases) {

    /** Validates and copies. */
    public PostgresTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        databases = List.copyOf(databases);
    }

    @Override
    public String toString() {
        return "PostgresTarget[name=" + name + ", url=" + url.replaceAll("(?i)(password=)[^&]*", "$1****") + ", user="
                + user + ", password=" + (password == null ? "null" : "****") + ", databases=" + databases + "]";
    }
}
