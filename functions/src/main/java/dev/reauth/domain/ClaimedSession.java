package dev.reauth.domain;

/** A session this callback holds exclusively, by the claim id it wrote; released or consumed by that id. */
public record ClaimedSession(OAuthSession session, String claimId) {}
