package dev.reauth.domain;

/** How a best-effort revocation of a replaced refresh token went (RFC 7009): logged, never fatal. */
public enum RevocationOutcome {
    /** The provider accepted it (2xx). */
    REVOKED,
    /** The provider refused the request (4xx). */
    REFUSED,
    /** No answer in time, unreachable, or a 5xx. */
    FAILED,
    /** No revoke endpoint is configured. */
    OFF
}
