package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsJsonTest {

    @Test
    void shouldWriteSortedKeysAndEscapeQuotesBackslashesAndControlCharacters() {
        String json = LabelsJson.of(Map.of("b", "x\"y\\z", "a", "t\tn\nr\r\u0001"));

        assertThat(json).isEqualTo("{\"a\":\"t\\tn\\nr\\r\\u0001\",\"b\":\"x\\\"y\\\\z\"}");
    }

    @Test
    void shouldWriteEmptyLabelsAsAnEmptyObject() {
        assertThat(LabelsJson.of(Map.of())).isEqualTo("{}");
    }
}
