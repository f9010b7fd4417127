package dev.reauth.web;

import dev.reauth.http.ApiResponse;
import dev.reauth.wire.Json;
import java.util.Map;

/**
 * A response of the web function. Every one carries the same headers: never cached (a link page is a
 * capability), no referrer sent onward (the page's address holds the link token), never framed, and a
 * content security policy that allows this site's own files only.
 */
public record WebResponse(int status, String contentType, String body) {

    /** Scripts, styles, images, fonts and connections from this origin only; no inline code; no framing. */
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebResponse html(int status, String body) {
        return new WebResponse(status, "text/html; charset=utf-8", body);
    }

    public static WebResponse json(int status, String body) {
        return new WebResponse(status, "application/json", body);
    }

    public static WebResponse error(int status, String error, String description) {
        return json(
                status,
                Json.object()
                        .put("error", error)
                        .put("error_description", description)
                        .toJson());
    }

    public Map<String, String> headers() {
        Map<String, String> headers = ApiResponse.noStoreHeaders(contentType);
        headers.put("X-Frame-Options", "DENY");
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        return headers;
    }

    /** The HTTP API v2 response payload Lambda returns to API Gateway. */
    public String toEventJson() {
        return ApiResponse.eventJson(status, headers(), body);
    }
}
