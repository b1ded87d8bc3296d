package io.strata.sink.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A dashboard JSON file as Grafana provisions it, reduced to what the checks need: panels, targets, variables. */
record GrafanaDashboard(Path file, JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One query of a dashboard: a panel target or a template variable. */
    record Query(String where, String datasourceUid, String format, String text) {}

    GrafanaDashboard {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(json, "json");
    }

    static GrafanaDashboard read(Path file) {
        try {
            return new GrafanaDashboard(file, JSON.readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    String title() {
        return json.path("title").asText();
    }

    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        json.path("panels").forEach(panel -> {
            panels.add(panel);
            // Panels inside collapsed rows.
            panel.path("panels").forEach(panels::add);
        });
        return panels;
    }

    /** Every query: the targets of every panel (rawSql or expr) and every query variable. */
    List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                JsonNode datasource = target.has("datasource") ? target.path("datasource") : panel.path("datasource");
                String text = target.has("rawSql")
                        ? target.path("rawSql").asText()
                        : target.path("expr").asText();
                queries.add(new Query(
                        file.getFileName() + " panel '" + panel.path("title").asText() + "' target "
                                + target.path("refId").asText(),
                        datasource.path("uid").asText(),
                        target.path("format").asText(""),
                        text));
            }
        }
        for (JsonNode variable : json.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.path("query");
                queries.add(new Query(
                        file.getFileName() + " variable '"
                                + variable.path("name").asText() + "'",
                        variable.path("datasource").path("uid").asText(),
                        "table",
                        query.isObject() ? query.path("rawSql").asText() : query.asText()));
            }
        }
        return queries;
    }
}
