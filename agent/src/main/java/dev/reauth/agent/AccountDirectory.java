package dev.reauth.agent;

import java.util.Optional;

/** Finds reauth's account by name: how the agent maps a proxy's account to reauth's. */
@FunctionalInterface
public interface AccountDirectory {

    /** A reauth account: its id and current token_version. */
    record Listing(String accountId, long tokenVersion) {}

    Optional<Listing> byName(String name);
}
