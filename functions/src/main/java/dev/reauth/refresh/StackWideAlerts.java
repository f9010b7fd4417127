package dev.reauth.refresh;

import dev.reauth.domain.Alert;
import dev.reauth.domain.AlertPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Sends a stack-wide alert ({@link Alert.Kind#CONFIGURATION}) at most once a day however many
 * accounts and function instances meet the fault: each send first claims the day in a shared mark
 * (a conditional write). Every other alert passes straight through.
 */
public final class StackWideAlerts implements AlertPublisher {

    /** The shared once-a-day marks: a conditional write that one caller wins per kind and period. */
    public interface Marks {
        /** Claims the kind's mark unless it was claimed after {@code claimedBefore}; false when another caller holds it. */
        boolean claim(String kind, Instant claimedBefore, Instant now);
    }

    static final Duration REPEAT = Duration.ofDays(1);

    private final AlertPublisher alerts;
    private final Marks marks;
    private final Clock clock;

    public StackWideAlerts(AlertPublisher alerts, Marks marks, Clock clock) {
        this.alerts = alerts;
        this.marks = marks;
        this.clock = clock;
    }

    @Override
    public void publish(Alert alert) {
        if (alert.kind() == Alert.Kind.CONFIGURATION) {
            Instant now = clock.instant();
            if (!marks.claim(alert.kind().wire(), now.minus(REPEAT), now)) {
                return;
            }
        }
        alerts.publish(alert);
    }
}
