package dev.reauth.config;

import java.time.Duration;

/**
 * How reauth acts on refresh tokens' absolute deadlines.
 *
 * @param deadlineIndex the accounts table's sparse GSI (partition refresh_bucket, sort
 *     refresh_token_expires_at) the expiring warning queries (ACCOUNTS_DEADLINE_INDEX)
 * @param warning how long before its refresh token's deadline an account is first warned about (EXPIRING_WARNING)
 */
public record DeadlineSettings(String deadlineIndex, Duration warning) {}
