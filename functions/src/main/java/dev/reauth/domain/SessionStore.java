package dev.reauth.domain;

import java.time.Instant;

/** Pending OAuth sessions: created at start, claimed by one callback, released on a failed exchange. */
public interface SessionStore {

    /** Stores a new session; never overwrites one. */
    void create(OAuthSession session);

    /**
     * Claims the session for this callback alone: it must exist, be unexpired at {@code now}, not be
     * consumed and not be held by another callback. One store call.
     *
     * @throws ReauthException.InvalidRequest  no such session
     * @throws ReauthException.SessionExpired  past its expiry
     * @throws ReauthException.SessionUsed     consumed, or held by a concurrent callback
     */
    ClaimedSession claim(String stateHash, Instant now);

    /** Gives a claim back so the operator can try again with the same session (best effort). */
    void release(ClaimedSession claim);
}
