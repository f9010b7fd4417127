package dev.reauth.link;

/** Where a re-auth link stands, as its page and its routes tell the holder. */
public enum LinkStatus {
    /** Usable: it can start and complete a re-authentication of its account. */
    ACTIVE,
    /** A re-authentication completed through it. */
    USED,
    /** An operator revoked it, or issued a newer link for the account. */
    REVOKED,
    /** Past its expiry. */
    EXPIRED,
    /** It reached its bound on starts or completions. */
    EXHAUSTED,
    /** No such link (never issued, mistyped, or deleted long after it expired). */
    UNKNOWN
}
