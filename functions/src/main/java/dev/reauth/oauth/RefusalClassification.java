package dev.reauth.oauth;

import java.util.Optional;
import java.util.Set;

/**
 * What a refused refresh means, classified as the official client classifies it (anthropic-oauth.md,
 * "How the official client classifies a failed refresh"): only a refused refresh token is dead; a
 * suspended account is on hold, which no login fixes; a scope or client fault needs a person, not a
 * retry; anything else passes.
 */
public enum RefusalClassification {
    /** The refresh token is revoked, expired or spent: a new login fixes it. */
    DEAD,
    /** The provider suspended the account ({@code account_on_hold}): a login will not help, proxies stop using it. */
    ON_HOLD,
    /** The scopes the refresh asked for are refused even without a scope: a new login with today's scopes. */
    SCOPE_CHANGED,
    /** The stack's client id or registration is refused: one fault of the whole stack, not of the account. */
    CONFIGURATION,
    /** Anything else (a CDN's HTML page, 5xx, 429, an unknown error): retry with backoff. */
    TRANSIENT;

    static final String ACCOUNT_ON_HOLD = "account_on_hold";
    private static final Set<Integer> ON_HOLD_STATUSES = Set.of(400, 401, 403);
    private static final Set<Integer> DEAD_STATUSES = Set.of(400, 401);

    /**
     * @param status the HTTP status of the refusal
     * @param error the RFC 6749 §5.2 {@code error} code
     * @param description the {@code error_description}, when it was a bare code such as {@code account_on_hold}
     */
    public static RefusalClassification of(int status, String error, Optional<String> description) {
        boolean onHold = description.filter(ACCOUNT_ON_HOLD::equals).isPresent()
                && ("invalid_grant".equals(error) || "access_denied".equals(error));
        if (onHold && ON_HOLD_STATUSES.contains(status)) {
            return ON_HOLD;
        }
        if ("invalid_grant".equals(error) && DEAD_STATUSES.contains(status)) {
            return DEAD;
        }
        return switch (error == null ? "" : error) {
            case "invalid_scope" -> SCOPE_CHANGED;
            case "invalid_client", "unauthorized_client" -> CONFIGURATION;
            default -> TRANSIENT;
        };
    }

    /** The refusal's classification. */
    public static RefusalClassification of(TokenResponse.Refused refused) {
        return of(refused.status(), refused.error(), refused.description());
    }
}
