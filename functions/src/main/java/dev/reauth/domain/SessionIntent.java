package dev.reauth.domain;

/**
 * Why a session was started: re-authenticate an existing account, or add a new one (ccflare's
 * {@code skipAccountCheck} made explicit: add refuses a taken name, reauth requires one).
 */
public enum SessionIntent {
    REAUTH,
    ADD
}
