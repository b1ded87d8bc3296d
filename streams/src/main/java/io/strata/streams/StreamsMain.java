package io.strata.streams;

import io.strata.schemas.config.ConfigException;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.topic.TopicCatalogException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code strata-streams}, the rollup application: reads {@code strata.metrics.raw}, writes hourly and
 * daily rollups to {@code strata.metrics.hourly} and {@code strata.metrics.daily}, and undecodable input to {@code
 * strata.deadletter}.
 *
 * <pre>java -jar strata-streams.jar [--config FILE] [--set key=value]... [--reconcile-topics]</pre>
 *
 * <p>With {@code --reconcile-topics} it only creates and corrects the topics, then exits (a one-shot init step).
 *
 * <p>Configuration: the defaults in {@value StreamsApp#DEFAULTS}, then the file, then {@code STRATA_*} environment
 * variables, then {@code --set}. {@code kafka.bootstrap.servers} is required. Exit codes: 0 after a normal shutdown
 * (SIGTERM), 1 after a fatal stream error, 2 for a bad command line or configuration, 3 when the topics cannot be
 * reconciled.
 */
public final class StreamsMain {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsMain.class);

    static final int EXIT_USAGE = 2;
    static final int EXIT_TOPICS = 3;
    static final String RECONCILE_ONLY = "--reconcile-topics";

    private StreamsMain() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv(), System.err));
    }

    static int run(List<String> args, Map<String, String> environment, PrintStream err) {
        boolean reconcileOnly = args.contains(RECONCILE_ONLY);
        List<String> rest =
                args.stream().filter(arg -> !arg.equals(RECONCILE_ONLY)).toList();
        StrataConfig config;
        try {
            config = loadConfig(rest, environment);
        } catch (IllegalArgumentException | ConfigException e) {
            err.println("strata-streams: " + e.getMessage());
            err.println("usage: strata-streams [--config FILE] [--set key=value]... [--reconcile-topics]");
            return EXIT_USAGE;
        }
        if (config == null) {
            err.println("usage: strata-streams [--config FILE] [--set key=value]... [--reconcile-topics]");
            return 0;
        }
        if (reconcileOnly) {
            try {
                StreamsApp.reconcileTopics(config);
                return 0;
            } catch (ConfigException e) {
                err.println("strata-streams: " + e.getMessage());
                return EXIT_USAGE;
            } catch (TopicCatalogException e) {
                LOG.error("Cannot reconcile the topics", e);
                return EXIT_TOPICS;
            }
        }
        StreamsApp app;
        try {
            app = StreamsApp.start(config);
        } catch (ConfigException e) {
            err.println("strata-streams: " + e.getMessage());
            return EXIT_USAGE;
        } catch (TopicCatalogException e) {
            LOG.error("Cannot reconcile the topics", e);
            return EXIT_TOPICS;
        }
        Thread hook = new Thread(app::close, "strata-streams-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int code = app.stopped().get();
            if (code != 0) {
                LOG.error("strata-streams stopped after a fatal error (exit code {})", code);
                app.close();
            }
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            app.close();
            return StreamsApp.EXIT_FATAL;
        } catch (ExecutionException e) {
            return StreamsApp.EXIT_FATAL;
        }
    }

    /** The configuration from the command line; null when only help was asked for. */
    static StrataConfig loadConfig(List<String> args, Map<String, String> environment) {
        StrataConfig.Builder builder =
                StrataConfig.builder().defaults(StreamsApp.DEFAULTS).environment(environment);
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--config" -> builder.file(Path.of(value(args, ++i, arg)));
                case "--set" -> {
                    String pair = value(args, ++i, arg);
                    int equals = pair.indexOf('=');
                    if (equals <= 0) {
                        throw new IllegalArgumentException("--set expects key=value, got '" + pair + "'");
                    }
                    overrides.put(pair.substring(0, equals), pair.substring(equals + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        return builder.overrides(overrides).build();
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " expects a value");
        }
        return args.get(index);
    }
}
