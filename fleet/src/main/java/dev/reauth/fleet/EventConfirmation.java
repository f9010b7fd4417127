package dev.reauth.fleet;

import dev.reauth.wire.TokenEvent;
import java.time.Duration;
import java.util.Optional;

/**
 * Confirms an event against the accounts table before a consumer acts on it: events are hints, the
 * table is the truth. The topic policy lets only the stack's functions publish, but a consumer does
 * not rest on that alone. An event is believed when the table holds an account with the event's id,
 * whose name is the event's name, whose token_version is at least the event's, and, for
 * {@code account.reauth.required}, which the table marks as requiring re-authentication or on hold.
 * Otherwise it is refused and must change nothing.
 *
 * <p>reauth writes the table before it publishes, and the read is consistent, so an event newer
 * than the table is forged or from another table; it gets one more read after a short pause (a
 * lagging replica at most) and is refused if the table still does not have that version.
 */
public final class EventConfirmation {

    /** How long an event newer than the table waits for one more read. */
    public static final Duration DEFAULT_SETTLE = Duration.ofMillis(500);

    private static final int MAX_SHOWN = 80;

    /** The outcome: believed (with what the table says), or refused (and why, with no secret in it). */
    public sealed interface Verdict permits Confirmed, Refused {}

    /** The table backs the event. */
    public record Confirmed(AccountFacts account) implements Verdict {}

    /** The table does not back the event; {@code why} names the claim that failed. */
    public record Refused(String why) implements Verdict {}

    private final AccountTokensReader reader;
    private final Duration settle;

    public EventConfirmation(AccountTokensReader reader) {
        this(reader, DEFAULT_SETTLE);
    }

    /** @param settle the pause before the second read of an event newer than the table (zero: no pause) */
    public EventConfirmation(AccountTokensReader reader, Duration settle) {
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative");
        }
        this.reader = reader;
        this.settle = settle;
    }

    /**
     * Reads the account the event names and checks its claims.
     *
     * @throws FleetException.DependencyFailed the table could not be read (the event may be delivered again)
     */
    public Verdict confirm(TokenEvent event) {
        Optional<AccountFacts> read = reader.facts(event.accountId());
        if (read.isPresent() && read.get().tokenVersion() < event.tokenVersion()) {
            pause();
            read = reader.facts(event.accountId());
        }
        if (read.isEmpty()) {
            return new Refused("the accounts table has no account with that id");
        }
        AccountFacts account = read.get();
        if (!account.name().equals(event.accountName())) {
            return new Refused("the accounts table names that account " + shown(account.name()) + ", not "
                    + shown(event.accountName()));
        }
        if (account.tokenVersion() < event.tokenVersion()) {
            return new Refused("token_version " + event.tokenVersion() + " does not exist (the accounts table has "
                    + account.tokenVersion() + ")");
        }
        if (TokenEvent.REAUTH_REQUIRED.equals(event.type()) && !account.stopped()) {
            return new Refused("the accounts table does not mark the account as requiring re-authentication");
        }
        return new Confirmed(account);
    }

    /**
     * Text from an event (which anyone able to publish chose) made safe for one log line: quoted,
     * control and format characters escaped, and cut short.
     */
    public static String shown(String text) {
        StringBuilder out = new StringBuilder("'");
        text.codePoints().limit(MAX_SHOWN).forEach(c -> {
            int type = Character.getType(c);
            if (type == Character.CONTROL
                    || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR
                    || c == '\''
                    || c == '\\') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (text.codePointCount(0, text.length()) > MAX_SHOWN) {
            out.append("...");
        }
        return out.append('\'').toString();
    }

    private void pause() {
        if (settle.isZero()) {
            return;
        }
        try {
            Thread.sleep(settle);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
