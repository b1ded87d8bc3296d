package io.strata.schemas.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/** Reads .properties and YAML sources into flat maps of dotted keys to text values. */
final class ConfigFiles {

    private ConfigFiles() {}

    /** Reads a config file given by {@code --config}: .properties, .yaml or .yml. */
    static Map<String, String> readFile(Path file) {
        String name =
                file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        Format format = Format.of(name)
                .orElseThrow(() -> new ConfigException(
                        "--config",
                        "--config: unsupported file type '" + file + "' (expected a .properties, .yaml or .yml file)"));
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, format, file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException("--config", "--config: file not found '" + file + "'", e);
        } catch (IOException e) {
            throw new ConfigException("--config", "--config: cannot read '" + file + "' (" + e + ")", e);
        }
    }

    /** Reads a defaults resource from the classpath. */
    static Map<String, String> readResource(String resource) {
        Format format = Format.of(resource.toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new IllegalArgumentException(
                        "defaults resource must be .properties, .yaml or .yml: " + resource));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ConfigFiles.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                // A missing defaults resource is a packaging bug, not an operator's mistake.
                throw new IllegalStateException("defaults resource not found on the classpath: " + resource);
            }
            return read(in, format, resource);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read defaults resource " + resource, e);
        }
    }

    private static Map<String, String> read(InputStream in, Format format, String origin) throws IOException {
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return switch (format) {
                case PROPERTIES -> readProperties(reader);
                case YAML -> readYaml(reader, origin);
            };
        }
    }

    private static Map<String, String> readProperties(Reader reader) throws IOException {
        Properties properties = new Properties();
        properties.load(reader);
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key));
        }
        return values;
    }

    static Map<String, String> readYaml(Reader reader, String origin) {
        Object document;
        try {
            document = textOnlyYaml().load(reader);
        } catch (YAMLException e) {
            throw new ConfigException(
                    "--config", "--config: invalid YAML in '" + origin + "' (" + e.getMessage() + ")", e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (document == null) {
            return values;
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new ConfigException(
                    "--config", "--config: YAML in '" + origin + "' must be a map of keys to values at the top level");
        }
        flatten("", map, values, origin);
        return values;
    }

    /** Nested maps become dotted keys: {@code retention: {raw: 30d}} is {@code retention.raw=30d}. */
    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> into, String origin) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, into, origin);
            } else if (value instanceof List<?> list) {
                // Lists become the comma-separated form that StrataConfig.getList reads.
                if (list.stream().anyMatch(item -> item instanceof Map || item instanceof List)) {
                    throw new ConfigException(
                            key, key + ": lists in '" + origin + "' may hold only plain values (expected a, b, c)");
                }
                into.put(key, list.stream().map(String::valueOf).collect(Collectors.joining(",")));
            } else {
                into.put(key, value == null ? "" : value.toString());
            }
        }
    }

    /**
     * A YAML loader that reads every scalar as text: no implicit typing, so {@code 0123}, {@code no} or {@code 1e3}
     * stay as written and the typed getters decide what they mean.
     */
    private static Yaml textOnlyYaml() {
        LoaderOptions loaderOptions = new LoaderOptions();
        DumperOptions dumperOptions = new DumperOptions();
        Resolver textOnly = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                // none: plain scalars resolve to strings
            }
        };
        return new Yaml(
                new SafeConstructor(loaderOptions),
                new Representer(dumperOptions),
                dumperOptions,
                loaderOptions,
                textOnly);
    }

    private enum Format {
        PROPERTIES,
        YAML;

        static java.util.Optional<Format> of(String lowerCaseName) {
            if (lowerCaseName.endsWith(".properties")) {
                return java.util.Optional.of(PROPERTIES);
            }
            if (lowerCaseName.endsWith(".yaml") || lowerCaseName.endsWith(".yml")) {
                return java.util.Optional.of(YAML);
            }
            return java.util.Optional.empty();
        }
    }
}
