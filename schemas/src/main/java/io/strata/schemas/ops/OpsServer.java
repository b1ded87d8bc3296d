package io.strata.schemas.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server for operators: {@code GET /health} answers 200 when the app is up and 503 when it is not, with
 * a JSON body of the health details; {@code GET /metrics} answers the Prometheus text exposition of the app's meter
 * registry. One daemon thread serves both; nothing else is exposed.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free one).
     *
     * @throws UncheckedIOException if the address cannot be bound, naming it
     */
    public static OpsServer start(String host, int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(health, "health");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve health and metrics on " + host + ":" + port, e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "strata-ops-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/health", exchange -> respondHealth(exchange, health));
        server.createContext(
                "/metrics", exchange -> respond(exchange, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape()));
        server.start();
        OpsServer ops = new OpsServer(server, executor);
        LOG.info("Serving /health and /metrics on http://{}:{}", host, ops.port());
        return ops;
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void respondHealth(HttpExchange exchange, Supplier<Health> health) throws IOException {
        Health current;
        try {
            current = health.get();
        } catch (RuntimeException e) {
            current = Health.down(Map.of("error", String.valueOf(e.getMessage())));
        }
        StringBuilder json = new StringBuilder("{\"status\":\"")
                .append(current.up() ? "UP" : "DOWN")
                .append('"');
        json.append(",\"details\":{");
        boolean first = true;
        for (Map.Entry<String, String> detail : new TreeMap<>(current.details()).entrySet()) {
            json.append(first ? "" : ",")
                    .append(quote(detail.getKey()))
                    .append(':')
                    .append(quote(detail.getValue()));
            first = false;
        }
        json.append("}}");
        respond(exchange, current.up() ? 200 : 503, "application/json", json.toString());
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : String.valueOf(text).toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
