package dev.reauth.link;

import dev.reauth.oauth.ProviderIdentity;
import java.util.Optional;

/**
 * What a link's page shows of its account: the name, and the provider account it is bound to, if any;
 * and its token_version (0 when it has none), by which a link knows the account's tokens moved on.
 */
public record LinkedAccount(String id, String name, Optional<ProviderIdentity> identity, long tokenVersion) {}
