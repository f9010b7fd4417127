package dev.reauth.link;

/** A completion this request holds on a link, by the lease id it wrote; spent or released by that id. */
public record LinkClaim(LinkRecord link, String leaseId) {}
