package dev.reauth.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The period of the refresh schedule, read from the template's RefreshSchedule expression. A
 * {@code rate(...)} gives it exactly; a {@code cron(...)} has no single period, so the verdict takes
 * an hour, the longest gap a cron that keeps tokens alive should leave.
 */
final class SchedulePeriod {

    /** What a cron expression is taken for. */
    static final Duration CRON = Duration.ofHours(1);

    private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d{1,9})\\s+(second|minute|hour|day)s?\\s*\\)");
    private static final Pattern CRON_EXPRESSION = Pattern.compile("cron\\(.+\\)");

    private SchedulePeriod() {}

    static Duration of(String expression) {
        String value = expression.strip().toLowerCase(Locale.ROOT);
        Matcher rate = RATE.matcher(value);
        if (rate.matches()) {
            long amount = Long.parseLong(rate.group(1));
            if (amount > 0) {
                return switch (rate.group(2)) {
                    case "second" -> Duration.ofSeconds(amount);
                    case "minute" -> Duration.ofMinutes(amount);
                    case "hour" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
        }
        if (CRON_EXPRESSION.matcher(value).matches()) {
            return CRON;
        }
        throw new ReauthConfig.ConfigException(
                "REFRESH_SCHEDULE must be an EventBridge schedule such as rate(5 minutes) or cron(...)");
    }
}
