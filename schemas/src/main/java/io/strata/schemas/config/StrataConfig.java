package io.strata.schemas.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of a Strata app: dotted keys ({@code kafka.bootstrap.servers}, {@code db.url},
 * {@code retention.raw}, ...) merged from four sources, later winning:
 *
 * <ol>
 *   <li>built-in defaults: {@value #STRATA_DEFAULTS}, then the classpath resources the app names;
 *   <li>the file given by {@code --config FILE} (.properties, or YAML whose nested maps flatten to dotted keys);
 *   <li>environment variables {@code STRATA_} + the key upper-cased with dots and dashes as underscores
 *       ({@code STRATA_DB_URL}, {@code STRATA_RETENTION_SNAPSHOTS_AUTOMATED_KEEP}); a variable is matched against the
 *       keys the sources and the app declare, and otherwise its underscores read as dots
 *       ({@code STRATA_KAFKA_SECURITY_PROTOCOL} is {@code kafka.security.protocol});
 *   <li>command-line overrides, a map the app's CLI passes in.
 * </ol>
 *
 * <p>An empty value means "not set": defaults use it to declare a key without a value, a later source to unset one.
 * A secret can be given as {@code <key>-file} (for example {@code db.password-file=/run/secrets/db}): the file is read
 * and one trailing newline dropped. Keys whose name matches password, secret, token or sasl.jaas.config are never
 * printed: {@link #toString()}, {@link #describe()} and error messages mask them.
 *
 * <p>Every {@code kafka.*} key passes through to the Kafka clients ({@link #kafkaClientProperties()}) except those the
 * app declares as its own with {@link Builder#nonClientKafkaKeys(String...)}.
 *
 * <p>Instances are immutable. Getters throw {@link ConfigException} naming the key, the value and what was expected.
 */
public final class StrataConfig {

    /** The classpath resource with the defaults every Strata app shares; app defaults are read after it. */
    public static final String STRATA_DEFAULTS = "io/strata/schemas/strata-defaults.properties";

    /** Prefix of the environment variables that set keys. */
    public static final String ENV_PREFIX = "STRATA_";

    /** Suffix of a key whose value is the path of a file holding the value of the key without it. */
    public static final String FILE_SUFFIX = "-file";

    /** Prefix of the keys handed to the Kafka clients. */
    public static final String KAFKA_PREFIX = "kafka.";

    /** The Kafka key every client needs. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

    private static final Logger LOG = LoggerFactory.getLogger(StrataConfig.class);
    private static final Pattern SECRET =
            Pattern.compile("password|secret|token|sasl\\.jaas\\.config", Pattern.CASE_INSENSITIVE);
    // A value can carry a secret under an innocent key: jdbc:postgresql://db/strata?password=...
    private static final Pattern SECRET_IN_VALUE =
            Pattern.compile("(password|secret|token)\\s*[=:]", Pattern.CASE_INSENSITIVE);
    private static final String MASK = "****";
    private static final String DURATION_EXAMPLES = "30d, 12h, 10m, 10s or 500ms";

    private final Map<String, Entry> entries;
    private final Set<String> nonClientKafkaKeys;

    /** One resolved value and where it came from (for {@link #describe()}). */
    private record Entry(String value, String source) {}

    private StrataConfig(Map<String, Entry> entries, Set<String> nonClientKafkaKeys) {
        this.entries = Collections.unmodifiableMap(new TreeMap<>(entries));
        this.nonClientKafkaKeys = Set.copyOf(nonClientKafkaKeys);
    }

    /** Starts a configuration; {@link Builder#build()} reads the sources. */
    public static Builder builder() {
        return new Builder();
    }

    /** Strata's built-in defaults alone: no file, no environment, no overrides. */
    public static StrataConfig defaults() {
        return builder().environment(Map.of()).build();
    }

    /**
     * Built-in defaults plus the given values, without reading the environment: for tests and embedded use.
     *
     * @param overrides keys and values that win over the defaults
     */
    public static StrataConfig of(Map<String, String> overrides) {
        return builder().environment(Map.of()).overrides(overrides).build();
    }

    /** The environment variable that sets a key: {@code db.url} is {@code STRATA_DB_URL}. */
    public static String envVarFor(String key) {
        Objects.requireNonNull(key, "key");
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Whether a key holds a secret that must never be printed. */
    public static boolean isSecret(String key) {
        return SECRET.matcher(key).find();
    }

    /** The value of a key, if set (non-empty). */
    public Optional<String> find(String key) {
        Objects.requireNonNull(key, "key");
        Entry entry = entries.get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    /** Whether a key is set (non-empty). */
    public boolean has(String key) {
        return find(key).isPresent();
    }

    /** Every key that is set, sorted. */
    public Set<String> keys() {
        return entries.keySet();
    }

    /**
     * The value of a required key.
     *
     * @throws ConfigException naming the key and the environment variable that sets it, when unset
     */
    public String getString(String key) {
        return find(key).orElseThrow(() -> missing(key));
    }

    /** A required integer. */
    public int getInt(String key) {
        return parse(key, "integer", "an integer", text -> Integer.parseInt(text.strip()));
    }

    /** An optional integer, or the fallback when unset. */
    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    /** A required long. */
    public long getLong(String key) {
        return parse(key, "integer", "an integer", text -> Long.parseLong(text.strip()));
    }

    /** A required boolean: {@code true} or {@code false}, in any case. */
    public boolean getBoolean(String key) {
        return parse(key, "boolean", "true or false", text -> {
            String lower = text.strip().toLowerCase(Locale.ROOT);
            if (lower.equals("true") || lower.equals("false")) {
                return Boolean.parseBoolean(lower);
            }
            throw new IllegalArgumentException(text);
        });
    }

    /**
     * A required positive duration: {@code 30d}, {@code 12h}, {@code 10m}, {@code 10s}, {@code 500ms} or ISO-8601
     * ({@code PT10S}).
     */
    public Duration getDuration(String key) {
        return parse(key, "duration", "a positive duration like " + DURATION_EXAMPLES, text -> {
            Duration duration = Durations.parse(text);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("not positive: " + text);
            }
            duration.toMillis(); // Kafka and Streams count in milliseconds: fail here if it does not fit.
            return duration;
        });
    }

    /** A required duration that may be zero (a grace period, a delay): {@code 0s}, {@code 10m}, … */
    public Duration getNonNegativeDuration(String key) {
        return parse(key, "duration", "a duration of zero or more like 0s, 10m, 2h", text -> {
            Duration duration = Durations.parse(text);
            if (duration.isNegative()) {
                throw new IllegalArgumentException("negative: " + text);
            }
            duration.toMillis(); // Kafka and Streams count in milliseconds: fail here if it does not fit.
            return duration;
        });
    }

    /** A required file-system path. */
    public Path getPath(String key) {
        return parse(key, "path", "a file-system path", text -> {
            try {
                return Path.of(text.strip());
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(e);
            }
        });
    }

    /** A comma-separated list; entries are trimmed and empty ones dropped. An unset key is an empty list. */
    public List<String> getList(String key) {
        return find(key)
                .map(text -> Arrays.stream(text.split(","))
                        .map(String::strip)
                        .filter(item -> !item.isEmpty())
                        .toList())
                .orElse(List.of());
    }

    /**
     * Every set key under a prefix, with the prefix removed: {@code withPrefix("db.")} of {@code db.url=x} is
     * {@code url=x}.
     */
    public Map<String, String> withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        Map<String, String> result = new TreeMap<>();
        entries.forEach((key, entry) -> {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                result.put(key.substring(prefix.length()), entry.value());
            }
        });
        return Collections.unmodifiableMap(result);
    }

    /**
     * The properties for a Kafka client: every {@code kafka.*} key with the prefix stripped
     * ({@code kafka.security.protocol} becomes {@code security.protocol}), less the app's own Kafka keys.
     *
     * @throws ConfigException if {@value #KAFKA_BOOTSTRAP_SERVERS} is not set
     */
    public Map<String, Object> kafkaClientProperties() {
        getString(KAFKA_BOOTSTRAP_SERVERS);
        Map<String, Object> result = new TreeMap<>();
        entries.forEach((key, entry) -> {
            if (key.startsWith(KAFKA_PREFIX) && !nonClientKafkaKeys.contains(key)) {
                result.put(key.substring(KAFKA_PREFIX.length()), entry.value());
            }
        });
        return Collections.unmodifiableMap(result);
    }

    /**
     * An "invalid value" error for a key whose value parsed but broke a rule of the caller, in the standard form
     * {@code "<key>: invalid value '<value>' (expected <expected>)"} (the value hidden for secrets).
     *
     * @param key the key at fault
     * @param expected what would have been accepted, e.g. "an integer >= 1"
     */
    public ConfigException invalid(String key, String expected) {
        return ConfigException.invalid(key, "value", find(key).orElse(""), expected);
    }

    /** Every set key, its value (secrets masked) and where it came from, one per line, sorted. */
    public String describe() {
        return entries.entrySet().stream()
                .map(e -> e.getKey() + "=" + shown(e.getKey(), e.getValue().value()) + "  ("
                        + e.getValue().source() + ")")
                .collect(Collectors.joining(System.lineSeparator()));
    }

    /** Every set key and its value, secrets masked. */
    @Override
    public String toString() {
        return entries.entrySet().stream()
                .map(e -> e.getKey() + "=" + shown(e.getKey(), e.getValue().value()))
                .collect(Collectors.joining(", ", "StrataConfig{", "}"));
    }

    private static String shown(String key, String value) {
        return mustHide(key, value) ? MASK : value;
    }

    /** Whether a value must not be printed: its key names a secret, or the value embeds one. */
    static boolean mustHide(String key, String value) {
        return isSecret(key) || SECRET_IN_VALUE.matcher(value).find();
    }

    private <T> T parse(String key, String kind, String expected, Function<String, T> parser) {
        String text = getString(key);
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            throw ConfigException.invalid(key, kind, text, expected);
        }
    }

    private ConfigException missing(String key) {
        return new ConfigException(
                key,
                key + ": required but not set (set it in the --config file or with the environment variable "
                        + envVarFor(key) + ")");
    }

    /** Collects the sources of a {@link StrataConfig}; {@link #build()} reads and merges them. */
    public static final class Builder {

        private final List<String> defaultResources = new ArrayList<>(List.of(STRATA_DEFAULTS));
        private final Set<String> declaredKeys = new LinkedHashSet<>();
        private final Set<String> nonClientKafkaKeys = new LinkedHashSet<>();
        private Path file;
        private Map<String, String> environment;
        private Map<String, String> overrides = Map.of();

        private Builder() {}

        /**
         * Adds an app's defaults, a classpath resource (.properties, .yaml or .yml) read after Strata's own
         * {@value StrataConfig#STRATA_DEFAULTS} and after any resource added before.
         */
        public Builder defaults(String resource) {
            defaultResources.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /** The file given by {@code --config}: .properties, .yaml or .yml. */
        public Builder file(Path configFile) {
            this.file = Objects.requireNonNull(configFile, "configFile");
            return this;
        }

        /** The environment to read {@code STRATA_*} variables from; {@link System#getenv()} when not given. */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(Objects.requireNonNull(env, "env"));
            return this;
        }

        /** Command-line overrides: they win over every other source. */
        public Builder overrides(Map<String, String> values) {
            this.overrides = Map.copyOf(Objects.requireNonNull(values, "values"));
            return this;
        }

        /**
         * Declares keys that have no default, so that their environment variables map back to them even when the
         * key has a dash ({@code STRATA_DB_POOL_MAX_SIZE} to {@code db.pool.max-size}). Keys in the defaults are
         * declared already.
         */
        public Builder declare(String... keys) {
            declaredKeys.addAll(List.of(keys));
            return this;
        }

        /** {@code kafka.*} keys that configure the app rather than the Kafka clients: not passed through. */
        public Builder nonClientKafkaKeys(String... keys) {
            nonClientKafkaKeys.addAll(List.of(keys));
            declaredKeys.addAll(List.of(keys));
            return this;
        }

        /**
         * Reads and merges the sources.
         *
         * @throws ConfigException if the file cannot be read or parsed, or a secret file cannot be read
         */
        public StrataConfig build() {
            List<Layer> layers = new ArrayList<>();
            Set<String> known = new TreeSet<>(declaredKeys);
            for (String resource : defaultResources) {
                Map<String, String> values = ConfigFiles.readResource(resource);
                known.addAll(values.keySet());
                layers.add(Layer.uniform(values, "defaults " + resource));
            }
            // Keys declared by the app or its defaults are ordinary keys even when they end in -file;
            // any other <key>-file names a secret file.
            Set<String> defaultsDeclared = new TreeSet<>(known);
            if (file != null) {
                Map<String, String> values = ConfigFiles.readFile(file);
                known.addAll(values.keySet());
                layers.add(Layer.uniform(values, "file " + file));
            }
            known.addAll(overrides.keySet());
            Map<String, String> env = environment != null ? environment : System.getenv();
            layers.add(environmentLayer(env, known, defaultsDeclared));
            layers.add(Layer.uniform(overrides, "override"));

            Map<String, Entry> merged = new LinkedHashMap<>();
            for (Layer layer : layers) {
                merge(layer, merged, defaultsDeclared);
            }
            Map<String, Entry> resolved = new TreeMap<>();
            merged.forEach((key, entry) -> {
                String base = secretFileBase(key, defaultsDeclared);
                String value = entry.value().strip();
                if (value.isEmpty()) {
                    return; // empty means unset
                }
                if (base == null) {
                    resolved.put(key, new Entry(value, entry.source()));
                } else {
                    resolved.put(base, new Entry(readSecret(key, value), key + " " + value + ", " + entry.source()));
                }
            });
            return new StrataConfig(resolved, nonClientKafkaKeys);
        }

        /** Later layers win; {@code x} and {@code x-file} are one slot, so setting either replaces the other. */
        private static void merge(Layer layer, Map<String, Entry> merged, Set<String> declared) {
            for (Map.Entry<String, String> value : layer.values().entrySet()) {
                String key = value.getKey();
                String base = secretFileBase(key, declared);
                String slot = base == null ? key : base;
                if (base != null && layer.values().containsKey(base)) {
                    throw new ConfigException(
                            base,
                            base + ": given both as " + base + " and as " + key + " in " + layer.sourceOf(key)
                                    + " (expected one of them)");
                }
                merged.remove(slot);
                merged.remove(slot + FILE_SUFFIX);
                merged.put(key, new Entry(value.getValue(), layer.sourceOf(key)));
            }
        }

        /**
         * Maps {@code STRATA_*} variables to keys: first against the known keys (and their {@code -file} forms), so
         * keys with dashes work; otherwise underscores read as dots, and a trailing {@code _FILE} as {@code -file}.
         */
        private static Layer environmentLayer(Map<String, String> env, Set<String> known, Set<String> declared) {
            Map<String, Set<String>> byEnvName = new HashMap<>();
            for (String key : known) {
                byEnvName.computeIfAbsent(envVarFor(key), k -> new TreeSet<>()).add(key);
                if (secretFileBase(key, declared) == null) {
                    String fileKey = key + FILE_SUFFIX;
                    byEnvName
                            .computeIfAbsent(envVarFor(fileKey), k -> new TreeSet<>())
                            .add(fileKey);
                }
            }
            Map<String, String> values = new TreeMap<>();
            Map<String, String> sources = new HashMap<>();
            for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
                String name = variable.getKey();
                if (!name.startsWith(ENV_PREFIX) || name.length() == ENV_PREFIX.length()) {
                    continue;
                }
                Set<String> candidates = byEnvName.getOrDefault(name, Set.of());
                String key;
                if (candidates.size() == 1) {
                    key = candidates.iterator().next();
                } else if (candidates.isEmpty()) {
                    key = fallbackKey(name);
                    LOG.debug("Environment variable {} matches no declared key; reading it as {}", name, key);
                } else {
                    throw new ConfigException(
                            name,
                            name + ": ambiguous environment variable, it could set any of " + candidates
                                    + " (expected keys whose environment names differ)");
                }
                if (values.containsKey(key)) {
                    throw new ConfigException(
                            key,
                            key + ": set by both " + sources.get(key) + " and " + name + " (expected one of them)");
                }
                values.put(key, variable.getValue());
                sources.put(key, name);
            }
            return new Layer(values, key -> "environment " + sources.get(key));
        }

        private static String fallbackKey(String envName) {
            String rest = envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
            String fileSuffix = "_file";
            if (rest.endsWith(fileSuffix) && rest.length() > fileSuffix.length()) {
                return rest.substring(0, rest.length() - fileSuffix.length()).replace('_', '.') + FILE_SUFFIX;
            }
            return rest.replace('_', '.');
        }

        /** The key a {@code <key>-file} key stands for, or null when it is an ordinary key. */
        private static String secretFileBase(String key, Set<String> declared) {
            if (!key.endsWith(FILE_SUFFIX) || key.length() == FILE_SUFFIX.length() || declared.contains(key)) {
                return null;
            }
            return key.substring(0, key.length() - FILE_SUFFIX.length());
        }

        private static String readSecret(String fileKey, String pathText) {
            try {
                String content = Files.readString(Path.of(pathText));
                // Files written by echo or editors end with a newline that is no part of the secret.
                int end = content.length();
                while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
                    end--;
                }
                return content.substring(0, end);
            } catch (IOException | InvalidPathException e) {
                throw new ConfigException(
                        fileKey,
                        fileKey + ": cannot read secret file '" + pathText + "' ("
                                + e.getClass().getSimpleName() + ")",
                        e);
            }
        }
    }

    /** One source: its values and how to name where each came from. */
    private record Layer(Map<String, String> values, Function<String, String> sources) {
        static Layer uniform(Map<String, String> values, String source) {
            return new Layer(values, key -> source);
        }

        String sourceOf(String key) {
            return sources.apply(key);
        }
    }
}
