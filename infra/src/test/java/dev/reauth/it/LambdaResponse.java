package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP API v2 response payload as a function returned it. */
record LambdaResponse(int getStatusCode, Map<String, String> getHeaders, String getBody) {

    static LambdaResponse parse(String json) {
        try {
            JsonNode node = ReauthSystem.JSON.readTree(json);
            Map<String, String> headers = new LinkedHashMap<>();
            node.path("headers")
                    .fields()
                    .forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            return new LambdaResponse(
                    node.path("statusCode").asInt(), headers, node.path("body").asText(null));
        } catch (IOException e) {
            throw new IllegalStateException("not a response payload: " + json, e);
        }
    }
}
