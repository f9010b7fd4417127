package dev.reauth.link;

import java.util.Optional;

/** Reads the little a link page shows of an account (never token material). */
@FunctionalInterface
public interface LinkedAccounts {

    Optional<LinkedAccount> find(String accountId);
}
