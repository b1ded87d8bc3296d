package io.strata.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose files against the rest of the repository: images Maven builds, health ports the apps listen on, the
 * variables {@code .env.example} documents, files the mounts point at. {@code docker compose config} checks the syntax
 * where the compose plugin exists (deploy/validate-compose.sh); this checks what it cannot know.
 */
class ComposeFileTest {

    // $${X} is compose's escape for a variable the container's shell expands: not an interpolation.
    private static final Pattern VARIABLE = Pattern.compile("(?<!\\$)\\$\\{([A-Z0-9_]+)(:?[-?])?([^}]*)}");
    private static final Pattern HEALTH_PORT = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+)");
    private static final Map<String, String> APP_DEFAULTS = Map.of(
            "strata-probe", "io/strata/producer/probe-defaults.properties",
            "strata-streams", "io/strata/streams/streams-defaults.properties",
            "strata-sink", "io/strata/sink/sink-defaults.properties");
    private static final Map<String, String> HTTP_PORT_KEY = Map.of(
            "strata-probe", "probe.http.port",
            "strata-streams", "streams.http.port",
            "strata-sink", "sink.http.port");

    private static Path root;
    private static String composeText;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void load() throws IOException {
        root = Path.of(System.getProperty("strata.root", "..")).toAbsolutePath().normalize();
        composeText = Files.readString(root.resolve("docker-compose.yml"));
        services = services(composeText);
    }

    @Test
    void shouldRunTheThreeAppsFromTheImagesMavenBuildsAtTheProjectVersion() {
        String version = System.getProperty("strata.version");
        assertThat(version)
                .as("strata.version system property (set by e2e/pom.xml)")
                .isNotBlank();
        Set<String> artifacts = new TreeSet<>();
        services.forEach((name, service) -> {
            String image = (String) service.get("image");
            if (image.startsWith("strata/")) {
                Matcher m = Pattern.compile("strata/(strata-[a-z]+):\\$\\{STRATA_VERSION:-([^}]+)}")
                        .matcher(image);
                assertThat(m.matches()).as("image of %s: %s", name, image).isTrue();
                assertThat(m.group(2)).as("default tag of %s", name).isEqualTo(version);
                artifacts.add(m.group(1));
            }
        });
        assertThat(artifacts).containsExactly("strata-probe", "strata-sink", "strata-streams");
        assertThat(envExample()).containsEntry("STRATA_VERSION", version);
    }

    @Test
    void shouldProbeEachAppsHealthOnThePortTheAppListensOnByDefault() {
        for (String app : APP_DEFAULTS.keySet()) {
            Map<String, Object> service = services.get(app);
            assertThat(service).as(app).isNotNull();
            String test = String.join(" ", healthTest(service));
            Matcher port = HEALTH_PORT.matcher(test);
            assertThat(port.find()).as("health check of %s: %s", app, test).isTrue();
            assertThat(port.group(1))
                    .as("health port of %s", app)
                    .isEqualTo(defaults(app).getProperty(HTTP_PORT_KEY.get(app)));
        }
    }

    @Test
    void shouldWaitOnlyForConditionsTheDependencyCanReach() {
        services.forEach((name, service) -> dependsOn(service).forEach((dependency, condition) -> {
            Map<String, Object> target = services.get(dependency);
            assertThat(target)
                    .as("%s depends on unknown service %s", name, dependency)
                    .isNotNull();
            switch (condition) {
                case "service_healthy" ->
                    assertThat(target)
                            .as("%s waits for %s to be healthy, which has no health check", name, dependency)
                            .containsKey("healthcheck");
                case "service_completed_successfully" ->
                    assertThat(target.get("restart"))
                            .as("%s waits for one-shot %s, which must not restart", name, dependency)
                            .isEqualTo("no");
                case "service_started" -> {}
                default -> throw new AssertionError(name + ": unknown condition " + condition);
            }
        }));
        // Order of the issue: broker and database first, topics and schema next, then the apps.
        assertThat(dependsOn(services.get("init-topics"))).containsEntry("kafka", "service_healthy");
        assertThat(dependsOn(services.get("init"))).containsEntry("postgres", "service_healthy");
        assertThat(dependsOn(services.get("strata-streams")))
                .containsEntry("init-topics", "service_completed_successfully")
                .containsEntry("init", "service_completed_successfully");
        assertThat(dependsOn(services.get("strata-sink"))).containsEntry("init", "service_completed_successfully");
    }

    @Test
    void shouldTakeEveryVariableFromTheDocumentedEnvFile() throws IOException {
        Map<String, String> documented = envExample();
        Set<String> referenced = new LinkedHashSet<>();
        for (String file : List.of("docker-compose.yml", "docker-compose.host-probe.yml")) {
            Matcher m = VARIABLE.matcher(Files.readString(root.resolve(file)));
            while (m.find()) {
                referenced.add(m.group(1));
                if (!"-".equals(m.group(2)) && !":-".equals(m.group(2))) {
                    // No default in the file: the value must come from .env.
                    assertThat(documented)
                            .as("%s uses ${%s} without a default", file, m.group(1))
                            .containsKey(m.group(1));
                }
            }
        }
        assertThat(referenced).as("variables the compose files use").isNotEmpty();
        assertThat(documented.keySet())
                .as(".env.example documents only variables the compose files use")
                .isSubsetOf(referenced);
    }

    @Test
    void shouldKeepEverySecretOutOfTheComposeFile() {
        services.forEach((name, service) -> environment(service).forEach((key, value) -> {
            if (key.contains("PASSWORD") || key.contains("SECRET")) {
                assertThat(value)
                        .as("%s.%s must come from .env and be required, never a literal or a default", name, key)
                        .matches("\\$\\{[A-Z0-9_]+:\\?[^}]*}");
            }
        }));
    }

    @Test
    void shouldPublishPortsOnLoopbackOnly() {
        services.forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            List<Object> ports = (List<Object>) service.getOrDefault("ports", List.of());
            for (Object port : ports) {
                assertThat(port.toString()).as("published port of %s", name).startsWith("127.0.0.1:");
            }
        });
    }

    @Test
    void shouldMountOnlyFilesThatExistInTheRepository() {
        services.forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            List<Object> volumes = (List<Object>) service.getOrDefault("volumes", List.of());
            for (Object volume : volumes) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(root.resolve(source)).as("mount of %s", name).exists();
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(String text) {
        Map<String, Object> compose = new Yaml().load(text);
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static List<String> healthTest(Map<String, Object> service) {
        Map<String, Object> health = (Map<String, Object>) service.get("healthcheck");
        assertThat(health).isNotNull();
        return (List<String>) health.get("test");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> dependsOn(Map<String, Object> service) {
        Map<String, String> result = new LinkedHashMap<>();
        Object dependsOn = service.get("depends_on");
        if (dependsOn instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put((String) k, (String) ((Map<String, Object>) v).get("condition")));
        } else if (dependsOn instanceof List<?> list) {
            list.forEach(k -> result.put((String) k, "service_started"));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> result = new LinkedHashMap<>();
        Object environment = service.get("environment");
        if (environment instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put((String) k, String.valueOf(v)));
        }
        return result;
    }

    private static Map<String, String> envExample() {
        try {
            Map<String, String> result = new LinkedHashMap<>();
            for (String line : Files.readAllLines(root.resolve(".env.example"))) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    int eq = trimmed.indexOf('=');
                    result.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties defaults(String app) {
        Properties properties = new Properties();
        try (InputStream in = ComposeFileTest.class.getClassLoader().getResourceAsStream(APP_DEFAULTS.get(app))) {
            assertThat(in).as(APP_DEFAULTS.get(app)).isNotNull();
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
