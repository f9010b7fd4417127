package dev.reauth.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parseObject_readsEachKindOfValue() throws Json.NotAnObject {
        Map<String, Object> object = Json.parseObject("{\"s\":\"x\",\"n\":-7,\"big\":123456789012345678901234567890,"
                + "\"f\":1.5,\"t\":true,\"no\":false,\"nil\":null,\"list\":[1,\"a\",{}],\"o\":{\"k\":\"v\"}}");

        assertThat(object)
                .containsEntry("s", "x")
                .containsEntry("n", -7L)
                .containsEntry("t", true)
                .containsEntry("no", false)
                .containsEntry("nil", null)
                .containsEntry("o", Map.of("k", "v"))
                .containsEntry("list", List.of(1L, "a", Map.of()));
        assertThat(object.get("big")).isEqualTo(new BigDecimal("123456789012345678901234567890"));
        assertThat(object.get("f")).isEqualTo(new BigDecimal("1.5"));
        assertThat(object.keySet()).startsWith("s", "n", "big");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{}]", "\"a string\"", "42", "true", "null", "", "   ", "{", "{\"a\":}", "{'a':1}"})
    void parseObject_refusesWhatIsNotExactlyOneObject(String text) {
        assertThatThrownBy(() -> Json.parseObject(text)).isInstanceOf(Json.NotAnObject.class);
        assertThat(Json.parseObjectOrEmpty(text)).isEmpty();
    }

    @Test
    void parseObject_refusesNull() {
        assertThatThrownBy(() -> Json.parseObject(null)).isInstanceOf(Json.NotAnObject.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} {}", "{\"a\":1}x", "{\"a\":1}]", "{\"a\":1} \"more\""})
    void parseObject_refusesTrailingContent(String text) {
        assertThatThrownBy(() -> Json.parseObject(text)).isInstanceOf(Json.NotAnObject.class);
    }

    @Test
    void parseObject_acceptsTrailingWhitespace() throws Json.NotAnObject {
        assertThat(Json.parseObject(" {\"a\":1}\n\t ")).containsEntry("a", 1L);
    }

    @Test
    void parseObject_neverQuotesTheTextInItsError() {
        assertThatThrownBy(() -> Json.parseObject("{\"refresh_token\": sk-ant-ort01-secret}"))
                .isInstanceOf(Json.NotAnObject.class)
                .hasMessageNotContaining("sk-ant");
        assertThatThrownBy(() -> Json.parseObject("{\"a\":1} sk-ant-ort01-secret"))
                .isInstanceOf(Json.NotAnObject.class)
                .hasMessageNotContaining("sk-ant");
    }

    @Test
    void nesting_upTo32Levels_isRead_and33AreRefused() throws Json.NotAnObject {
        assertThat(Json.parseObject(nested(32))).containsKey("a");
        assertThatThrownBy(() -> Json.parseObject(nested(33))).isInstanceOf(Json.NotAnObject.class);
        assertThatThrownBy(() -> Json.parseEnvelope(nested(33))).isInstanceOf(Json.NotAnObject.class);
    }

    @Test
    void nesting_countsArraysToo() {
        String deepArrays = "{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}";
        assertThatThrownBy(() -> Json.parseObject(deepArrays)).isInstanceOf(Json.NotAnObject.class);
    }

    @Test
    void strings_upTo64KiB_areRead_andLongerAreRefused() throws Json.NotAnObject {
        assertThat(Json.parseObject(withString(Json.MAX_STRING_LENGTH)))
                .extractingByKey("s")
                .asString()
                .hasSize(Json.MAX_STRING_LENGTH);
        assertThatThrownBy(() -> Json.parseObject(withString(Json.MAX_STRING_LENGTH + 1)))
                .isInstanceOf(Json.NotAnObject.class);
    }

    @Test
    void envelopeStrings_upTo10MB_areRead_andLongerAreRefused() throws Json.NotAnObject {
        assertThat(Json.MAX_ENVELOPE_STRING_LENGTH).isEqualTo(10 * 1024 * 1024);
        assertThat(Json.parseEnvelope(withString(Json.MAX_ENVELOPE_STRING_LENGTH)))
                .extractingByKey("s")
                .asString()
                .hasSize(Json.MAX_ENVELOPE_STRING_LENGTH);
        assertThatThrownBy(() -> Json.parseEnvelope(withString(Json.MAX_ENVELOPE_STRING_LENGTH + 1)))
                .isInstanceOf(Json.NotAnObject.class);
        assertThatThrownBy(() -> Json.parseObject(withString(Json.MAX_STRING_LENGTH * 2)))
                .as("an ordinary document keeps its own limit")
                .isInstanceOf(Json.NotAnObject.class);
    }

    @Test
    void accessors_takeOnlyValuesOfTheirKind() throws Json.NotAnObject {
        Map<String, Object> object = Json.parseObject("{\"s\":\"x\",\"n\":1,\"o\":{\"a\":\"b\",\"c\":2}}");

        assertThat(Json.string(object, "s")).contains("x");
        assertThat(Json.string(object, "n")).isEmpty();
        assertThat(Json.object(object, "s")).isEmpty();
        assertThat(Json.object(object, "missing")).isEmpty();
        assertThat(Json.strings(object, "o")).containsExactly(Map.entry("a", "b"));
    }

    @Test
    void objectWriter_writesFieldsInOrder_andEscapes_soItReadsBack() throws Json.NotAnObject {
        String json = Json.object()
                .put("s", "q\"uote\\ \n \u0001 \u2603")
                .put("n", -3L)
                .put("b", true)
                .put("nil", (String) null)
                .put("m", Map.of("k", "v"))
                .putRaw("raw", "[1,2]")
                .putIfPresent("absent", Optional.empty())
                .toJson();

        assertThat(json)
                .startsWith("{\"s\":")
                .contains("\"n\":-3,\"b\":true,\"nil\":null,\"m\":{\"k\":\"v\"},\"raw\":[1,2]")
                .doesNotContain("absent");
        Map<String, Object> back = Json.parseObject(json);
        assertThat(back).containsEntry("s", "q\"uote\\ \n \u0001 \u2603").containsEntry("raw", List.of(1L, 2L));
    }

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    private static String withString(int length) {
        char[] chars = new char[length];
        Arrays.fill(chars, 'x');
        return "{\"s\":\"" + new String(chars) + "\"}";
    }
}
