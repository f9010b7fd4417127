package dev.reauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response of the dashboard's local server. Every one carries the link page's headers: never cached,
 * no referrer sent onward (the address holds the per-run secret), never framed, and a content security
 * policy that allows this origin's own files only.
 */
record DashboardResponse(int status, String contentType, byte[] body) {

    /** The link page's policy (functions' WebResponse): this origin's files only, no inline code, no framing. */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final ObjectMapper JSON = new ObjectMapper();

    static DashboardResponse json(int status, ObjectNode body) {
        return new DashboardResponse(status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static DashboardResponse error(int status, String error, String description) {
        return json(status, JSON.createObjectNode().put("error", error).put("error_description", description));
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", "no-store");
        headers.put("Pragma", "no-cache");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        return headers;
    }
}
