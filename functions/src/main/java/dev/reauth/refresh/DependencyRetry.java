package dev.reauth.refresh;

import dev.reauth.domain.ReauthException;
import dev.reauth.log.StructuredLog;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A short, bounded retry of one AWS step (the SDK's own attempts already spent) for a path that
 * answers a caller: an adoption's tokens are the proxy's only copy of a rotation, so a blip of KMS or
 * DynamoDB is waited out for a few seconds rather than answered with 503 at once. Pauses double from
 * {@code first}; after {@code attempts} the failure goes to the caller (the agent tries again itself).
 */
public final class DependencyRetry {

    private static final StructuredLog LOG = StructuredLog.of(DependencyRetry.class);

    /** Sleeps (a no-op in tests). */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private final int attempts;
    private final Duration first;
    private final Pause pause;

    public DependencyRetry(int attempts, Duration first, Pause pause) {
        if (attempts < 1 || first.isNegative()) {
            throw new IllegalArgumentException("a retry needs at least one attempt and a pause not negative");
        }
        this.attempts = attempts;
        this.first = first;
        this.pause = pause;
    }

    /** The adoption route's setting: 4 attempts, pauses of 200, 400 and 800 ms (1.4 s in all). */
    public static DependencyRetry forAdoption() {
        return new DependencyRetry(4, Duration.ofMillis(200), Thread::sleep);
    }

    /** No retry: one attempt. */
    public static DependencyRetry none() {
        return new DependencyRetry(1, Duration.ZERO, d -> {});
    }

    /** Runs {@code call}, again after a pause while it fails with {@link ReauthException.DependencyFailed}. */
    public <T> T call(String step, Supplier<T> call) {
        Duration wait = first;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (ReauthException.DependencyFailed e) {
                if (attempt >= attempts) {
                    throw e;
                }
                LOG.warn("dependency.retry", "step", step, "attempt", attempt, "pauseMillis", wait.toMillis());
                try {
                    pause.pause(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                wait = wait.multipliedBy(2);
            }
        }
    }
}
