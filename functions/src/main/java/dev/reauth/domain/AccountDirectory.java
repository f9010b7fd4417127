package dev.reauth.domain;

import java.util.List;
import java.util.Optional;

/** Looks accounts up in the fleet's accounts table; reads only what re-authentication needs. */
public interface AccountDirectory {

    /** The account of that name, through the name index (a Query, never a Scan). */
    Optional<Account> findByName(AccountName name);

    /** The account with that id, read consistently. */
    Optional<Account> findById(AccountId id);

    /** Every account's token status, by name; no token material. */
    List<AccountStatus> list();
}
