package dev.reauth.domain;

import java.util.List;
import java.util.Optional;

/** Looks accounts up in the fleet's accounts table; reads only what re-authentication needs. */
public interface AccountDirectory {

    Optional<Account> findByName(String name);

    Optional<Account> findById(String id);

    /** Every account's token status, by name; no token material. */
    List<AccountStatus> list();
}
