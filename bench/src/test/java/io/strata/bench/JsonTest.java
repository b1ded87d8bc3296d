package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void shouldWriteNestedValuesInInsertionOrderOnOneLine() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("ok", true);
        inner.put("list", List.of(1L, 2L));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("z", 1);
        json.put("a", "text");
        json.put("inner", inner);
        json.put("none", null);

        assertThat(Json.write(json))
                .isEqualTo("{\"z\":1,\"a\":\"text\",\"inner\":{\"ok\":true,\"list\":[1,2]},\"none\":null}");
    }

    @Test
    void shouldRoundLargeRatesToWholeUnitsAndKeepFourDigitsOfSmallOnes() {
        assertThat(Json.write(List.of(123456.7, 0.30000000000000004, 12.0, 0.12345, 999.96, -2.5)))
                .isEqualTo("[123457,0.3,12,0.1235,1000,-2.5]");
    }

    @Test
    void shouldWriteNonFiniteNumbersAsNull() {
        assertThat(Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY)))
                .isEqualTo("[null,null]");
    }

    @Test
    void shouldEscapeStrings() {
        assertThat(Json.write("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }
}
