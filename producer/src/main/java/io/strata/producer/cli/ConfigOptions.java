package io.strata.producer.cli;

import io.strata.producer.config.ProbeConfig;
import io.strata.schemas.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every command that reads the configuration shares; flags win over file and environment. */
final class ConfigOptions {

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(
            names = "--node-name",
            paramLabel = "NAME",
            description = "Node name (probe.node-name); default: host name.")
    String nodeName;

    @Option(
            names = "--node-role",
            paramLabel = "ROLE",
            description = "Node role (probe.node-role): primary, replica, client, ...")
    String nodeRole;

    @Option(
            names = "--interval",
            paramLabel = "DURATION",
            description = "Collection interval (probe.interval), e.g. 10s, 500ms, 1m.")
    String interval;

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "Spool directory (probe.spool-dir).")
    String spoolDir;

    @Option(
            names = "--postgres",
            paramLabel = "[NAME=]JDBC_URL",
            description = "A PostgreSQL instance to watch (probe.postgres.NAME.url); repeatable. "
                    + "Credentials: probe.postgres.NAME.user / .password-file or STRATA_PROBE_POSTGRES_NAME_PASSWORD.")
    List<String> postgres = new ArrayList<>();

    /** The command-line overrides: -D values first, the dedicated flags win over them. */
    Map<String, String> overrides() {
        Map<String, String> result = connection.overrides();
        put(result, "probe.node-name", nodeName);
        put(result, "probe.node-role", nodeRole);
        put(result, "probe.interval", interval);
        put(result, "probe.spool-dir", spoolDir);
        int index = 1;
        for (String target : postgres) {
            String name;
            String url;
            int equals = target.indexOf('=');
            if (equals > 0 && !target.substring(0, equals).contains(":")) {
                name = target.substring(0, equals);
                url = target.substring(equals + 1);
            } else {
                name = postgres.size() == 1 ? "postgres" : "postgres" + index;
                url = target;
            }
            if (name.isBlank() || name.contains(".")) {
                throw new ConfigException(
                        "--postgres", "--postgres: invalid name '" + name + "' (expected NAME=JDBC_URL, no dots)");
            }
            result.put(ProbeConfig.POSTGRES_PREFIX + name + ".url", url);
            index++;
        }
        return result;
    }

    /** Reads and validates the configuration. */
    ProbeConfig load(Map<String, String> environment) {
        return ProbeConfig.load(connection.configFile, environment, overrides());
    }

    static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
