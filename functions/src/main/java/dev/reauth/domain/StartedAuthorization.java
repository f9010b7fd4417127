package dev.reauth.domain;

import dev.reauth.oauth.AccountMode;
import java.time.Instant;

/** What the operator gets back from starting: the URL to open and until when the session lasts. */
public record StartedAuthorization(String accountName, AccountMode mode, String authorizationUrl, Instant expiresAt) {

    @Override
    public String toString() {
        // the URL carries the state
        return "StartedAuthorization[account=" + accountName + ", mode=" + mode + ", expiresAt=" + expiresAt + "]";
    }
}
