package dev.reauth.link;

/** Issues a one-time re-auth link for an account known by id (the refresher's dead-account alert). */
@FunctionalInterface
public interface LinkIssuer {

    /**
     * Issues a fresh link, which replaces any earlier one of the account.
     *
     * @param issuedBy who asked, for the record (an IAM principal, or "refresher")
     */
    IssuedLink issue(String accountId, String accountName, String issuedBy);
}
