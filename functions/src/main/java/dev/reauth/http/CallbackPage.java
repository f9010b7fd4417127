package dev.reauth.http;

import dev.reauth.domain.ReauthException;

/**
 * The small HTML page the browser sees after the provider redirects back. Every dynamic value is
 * HTML-escaped; nothing secret is ever put in it.
 */
final class CallbackPage {

    private CallbackPage() {}

    static ApiResponse success(String heading, String detail) {
        return ApiResponse.html(200, page("Re-authentication complete", heading, detail));
    }

    static ApiResponse failure(int status, String heading, String detail) {
        return ApiResponse.html(status, page("Re-authentication failed", heading, detail));
    }

    private static String page(String title, String heading, String detail) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.escape(title) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>"
                + "</head><body><h1>" + Html.escape(heading) + "</h1><p>" + Html.escape(detail) + "</p></body></html>";
    }

    /**
     * What the public page says about a failure: the flow's own description, except where it names the
     * provider account an account is bound to, which is not for whoever holds the link.
     */
    static String publicDescription(ReauthException failure) {
        return failure instanceof ReauthException.AccountMismatch
                ? "A different provider account logged in than the one this account belongs to. Nothing was written."
                        + " Open the authorization link again and log in with the right account."
                : failure.description();
    }
}
