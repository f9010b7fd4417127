package dev.reauth.link;

import dev.reauth.oauth.ProviderIdentity;
import java.time.Instant;
import java.util.Optional;

/**
 * What a link's page shows.
 *
 * @param accountName the link's account (absent for an unknown link)
 * @param identity    the provider account it is bound to (only for a usable link, and only once known)
 */
public record LinkView(
        LinkStatus status,
        Optional<String> accountName,
        Optional<ProviderIdentity> identity,
        Instant expiresAt,
        Optional<Instant> spentAt) {

    static LinkView unknown() {
        return new LinkView(LinkStatus.UNKNOWN, Optional.empty(), Optional.empty(), Instant.EPOCH, Optional.empty());
    }
}
