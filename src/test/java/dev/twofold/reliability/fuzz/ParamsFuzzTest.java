package dev.twofold.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The request-body parser of every endpoint (Params with FormCodec, and JSON bodies): any
 * input either parses or is refused with a 400 ProtocolError, never another exception; what
 * parses survives a re-encoding unchanged.
 */
class ParamsFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void formBody(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        Params params;
        try {
            params = Params.fromForm(body);
        } catch (ProtocolError refused) {
            assertThat(refused.status()).isEqualTo(400);
            return;
        }
        Map<String, List<String>> parsed = asMap(params);
        assertThat(asMap(Params.fromForm(encode(parsed)))).isEqualTo(parsed);
        singleNeverThrowsOtherThanRepeat(params);
    }

    @FuzzTest(maxDuration = "10m")
    void jsonBody(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        Params params;
        try {
            params = Params.fromJson(body);
        } catch (ProtocolError refused) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.description()).doesNotContain("Exception");
            return;
        }
        singleNeverThrowsOtherThanRepeat(params);
    }

    /**
     * single() refuses only a repeated parameter, or a JSON value that is not a string (an
     * array or a number where one string is expected), always with a 400 naming it.
     */
    private static void singleNeverThrowsOtherThanRepeat(Params params) {
        for (String name : params.names()) {
            try {
                params.single(name).ifPresent(value -> assertThat(value).isNotEmpty());
            } catch (ProtocolError refused) {
                assertThat(refused.status()).isEqualTo(400);
                assertThat(refused.description()).startsWith("Parameter " + name + " ");
                if (!refused.description().contains(" must be one JSON string")) {
                    assertThat(params.list(name)).hasSizeGreaterThan(1);
                }
            }
        }
    }

    private static Map<String, List<String>> asMap(Params params) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String name : params.names()) {
            map.put(name, List.copyOf(params.list(name)));
        }
        return map;
    }

    private static String encode(Map<String, List<String>> values) {
        StringJoiner joiner = new StringJoiner("&");
        values.forEach((name, list) -> list.forEach(value -> joiner.add(
                URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8))));
        return joiner.toString();
    }
}
