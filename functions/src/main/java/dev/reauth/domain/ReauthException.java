package dev.reauth.domain;

/**
 * Every failure the re-authentication flow reports to a caller. Each kind carries a stable error
 * code and a description safe to show (never a secret, never another system's error text); the
 * HTTP layer maps the kinds to statuses in one place.
 */
public abstract sealed class ReauthException extends RuntimeException {

    private final String error;

    private ReauthException(String error, String description, Throwable cause) {
        super(description, cause, false, false);
        this.error = error;
    }

    /** The RFC 6749-style error code, e.g. {@code account_not_found}. */
    public String error() {
        return error;
    }

    /** The caller-facing description: written by this project, never another system's text or a secret. */
    public String description() {
        return getMessage();
    }

    /** The request is malformed or a value is out of shape. */
    public static final class InvalidRequest extends ReauthException {
        public InvalidRequest(String error, String description) {
            super(error, description, null);
        }
    }

    /** No account by that name or id. */
    public static final class AccountNotFound extends ReauthException {
        public AccountNotFound(String description) {
            super("account_not_found", description, null);
        }
    }

    /** Adding an account under a name that is taken. */
    public static final class AccountExists extends ReauthException {
        public AccountExists(String description) {
            super("account_exists", description, null);
        }
    }

    /** The session was consumed, or another callback holds it right now. */
    public static final class SessionUsed extends ReauthException {
        public SessionUsed(String error, String description) {
            super(error, description, null);
        }
    }

    /**
     * The provider account that logged in is not the one the account is bound to. Nothing was
     * written; the session stays open for a login with the right provider account.
     */
    public static final class AccountMismatch extends ReauthException {
        public AccountMismatch(String description) {
            super("account_mismatch", description, null);
        }
    }

    /**
     * The account is bound to no provider identity yet, so whoever logs in first would own it: nothing
     * hands it to a stranger (a link) unless an operator chose that knowingly.
     */
    public static final class AccountUnbound extends ReauthException {
        public AccountUnbound(String description) {
            super("account_unbound", description, null);
        }
    }

    /** The account's refresh token is dead: only a re-authentication helps. */
    public static final class ReauthRequired extends ReauthException {
        public ReauthRequired(String description) {
            super("reauth_required", description, null);
        }
    }

    /** Another operator is adding an account under this name right now. */
    public static final class NameReserved extends ReauthException {
        public NameReserved(String description) {
            super("name_reserved", description, null);
        }
    }

    /** The session passed its expiry. */
    public static final class SessionExpired extends ReauthException {
        public SessionExpired(String description) {
            super("session_expired", description, null);
        }
    }

    /** The provider refused the code (wrong, used or expired): the operator can paste again. */
    public static final class CodeRejected extends ReauthException {
        public CodeRejected(String description) {
            super("invalid_grant", description, null);
        }
    }

    /** The provider failed: 5xx, timeout, unreadable or incomplete answer, or a refusal that is not about the code. */
    public static final class ProviderFailed extends ReauthException {
        private final boolean afterSending;

        public ProviderFailed(String description, Throwable cause) {
            this(description, cause, false);
        }

        /**
         * @param afterSending the request reached the provider and its answer was lost or unusable (timeout,
         *                     reset, 5xx, garbage): the provider may have acted on it, e.g. rotated a refresh token
         */
        public ProviderFailed(String description, Throwable cause, boolean afterSending) {
            super("provider_error", description, cause);
            this.afterSending = afterSending;
        }

        public boolean afterSending() {
            return afterSending;
        }
    }

    /** Too many requests of this kind for the account just now: try again after {@link #retryAfter()}. */
    public static final class RateLimited extends ReauthException {
        private final java.time.Duration retryAfter;

        public RateLimited(String description, java.time.Duration retryAfter) {
            super("rate_limited", description, null);
            this.retryAfter = retryAfter;
        }

        /** How long the caller waits before asking again (at least a second). */
        public java.time.Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * Tokens reauth did not mint could not be checked at the provider's profile endpoint (unreachable, slow,
     * failing): nothing was believed, and the same request may succeed later.
     */
    public static final class IdentityUnverified extends ReauthException {
        public IdentityUnverified(String description) {
            super("identity_unverified", description, null);
        }
    }

    /** An AWS dependency (DynamoDB, KMS, SNS) failed or was unreachable. */
    public static final class DependencyFailed extends ReauthException {
        public DependencyFailed(String description, Throwable cause) {
            super("dependency_unavailable", description, cause);
        }
    }
}
