package dev.reauth.domain;

import java.util.Optional;

/** Looks accounts up in the fleet's accounts table; reads only what re-authentication needs. */
public interface AccountDirectory {

    Optional<Account> findByName(String name);

    Optional<Account> findById(String id);
}
