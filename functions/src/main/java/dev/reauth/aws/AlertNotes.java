package dev.reauth.aws;

import dev.reauth.domain.RefreshHealth.NotedAlert;
import dev.reauth.wire.Schema.Accounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The alerts noted on an account item: {@code recent_alerts}, a short list of {@code kind@epochMillis}
 * kept for operators, and {@code refresh_alerts}, the kinds sent since the account was last healthy.
 */
final class AlertNotes {

    /** How many alerts an item keeps. */
    static final int KEPT = 5;

    private AlertNotes() {}

    static String entry(String kind, Instant at) {
        return kind + "@" + at.toEpochMilli();
    }

    /** Newest first; a kind only in the since-healthy set (noted before times were kept) comes last, without a time. */
    static List<NotedAlert> read(Map<String, AttributeValue> item) {
        List<NotedAlert> notes = new ArrayList<>();
        AttributeValue recent = item.get(Accounts.RECENT_ALERTS);
        if (recent != null && recent.hasL()) {
            for (AttributeValue value : recent.l()) {
                parse(value.s()).ifPresent(note -> notes.addFirst(note));
            }
        }
        AttributeValue sinceHealthy = item.get(Accounts.REFRESH_ALERTS);
        if (sinceHealthy != null && sinceHealthy.hasSs()) {
            sinceHealthy.ss().stream()
                    .sorted()
                    .filter(kind -> notes.stream().noneMatch(note -> note.kind().equals(kind)))
                    .forEach(kind -> notes.add(new NotedAlert(kind, Optional.empty())));
        }
        return notes.size() > KEPT ? List.copyOf(notes.subList(0, KEPT)) : notes;
    }

    private static Optional<NotedAlert> parse(String entry) {
        if (entry == null) {
            return Optional.empty();
        }
        int at = entry.lastIndexOf('@');
        try {
            return at <= 0
                    ? Optional.empty()
                    : Optional.of(new NotedAlert(
                            entry.substring(0, at),
                            Optional.of(Instant.ofEpochMilli(Long.parseLong(entry.substring(at + 1))))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
