package dev.reauth.fleet;

import dev.reauth.wire.TokenEvent;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * SNS over HTTPS without a framework: headers and body in, an HTTP status out. Only the allowed
 * topics are heard; a message older than the age bound is refused, so one captured earlier cannot be
 * replayed after a restart empties the duplicate memory; every message's signature is verified before
 * anything happens; a notification is acted on once however often SNS delivers it; a subscription is
 * confirmed through the SNS API, and only when its signed SubscribeURL asks for exactly that (no URL
 * from the message is fetched).
 */
public final class SnsEndpoint {

    private static final System.Logger LOG = System.getLogger(SnsEndpoint.class.getName());
    private static final int REMEMBERED_MESSAGE_IDS = 10_000;
    /** How old a message may be: SNS retries an HTTP/S delivery for at most 3,600 seconds (a hard limit), so no genuine one is older. */
    public static final Duration DEFAULT_MAX_MESSAGE_AGE = Duration.ofHours(1);

    /** Confirms a subscription: {@code sns:ConfirmSubscription(topicArn, token)}. */
    @FunctionalInterface
    public interface SubscriptionConfirmer {
        void confirm(String topicArn, String token);

        /**
         * Confirms through the SNS API with {@code AuthenticateOnUnsubscribe=true}, so only a caller
         * with AWS credentials (not anyone holding the message's unsubscribe link) can end the
         * subscription. SNS failures become {@link FleetException.DependencyFailed}.
         */
        static SubscriptionConfirmer withSns(SnsClient sns) {
            return (topicArn, token) -> {
                try {
                    sns.confirmSubscription(
                            c -> c.topicArn(topicArn).token(token).authenticateOnUnsubscribe("true"));
                } catch (SdkException e) {
                    throw new FleetException.DependencyFailed("SNS did not confirm the subscription to " + topicArn, e);
                }
            };
        }
    }

    /** How signatures are treated. */
    public enum SignaturePolicy {
        /** Production: every message must carry a valid SNS signature. */
        VERIFY,
        /**
         * Local emulators only (MiniStack signs with the literal "FAKE"): signatures are not checked.
         * Never use against AWS: anyone who can reach the endpoint could flush caches.
         */
        LOCAL_EMULATOR_UNSIGNED
    }

    private final Set<String> allowedTopics;
    private final SnsSignatureVerifier verifier;
    private final SignaturePolicy policy;
    private final SubscriptionConfirmer confirmer;
    private final TokenSource tokens;
    private final Clock clock;
    private final Duration maxMessageAge;
    private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_MESSAGE_IDS;
        }
    });

    /** With the system clock and {@link #DEFAULT_MAX_MESSAGE_AGE}. */
    public SnsEndpoint(
            Set<String> allowedTopics,
            SnsSignatureVerifier verifier,
            SignaturePolicy policy,
            SubscriptionConfirmer confirmer,
            TokenSource tokens) {
        this(allowedTopics, verifier, policy, confirmer, tokens, Clock.systemUTC(), DEFAULT_MAX_MESSAGE_AGE);
    }

    /**
     * @param maxMessageAge a message whose Timestamp is older than this is refused
     */
    public SnsEndpoint(
            Set<String> allowedTopics,
            SnsSignatureVerifier verifier,
            SignaturePolicy policy,
            SubscriptionConfirmer confirmer,
            TokenSource tokens,
            Clock clock,
            Duration maxMessageAge) {
        if (maxMessageAge.isNegative() || maxMessageAge.isZero()) {
            throw new IllegalArgumentException("maxMessageAge must be positive");
        }
        this.allowedTopics = Set.copyOf(allowedTopics);
        this.verifier = verifier;
        this.policy = policy;
        this.confirmer = confirmer;
        this.tokens = tokens;
        this.clock = clock;
        this.maxMessageAge = maxMessageAge;
    }

    /** Handles one delivery; returns the HTTP status to answer with. */
    public int handle(Map<String, String> headers, String body) {
        SnsMessage message;
        try {
            message = SnsMessage.parse(body);
        } catch (SnsMessage.Malformed e) {
            LOG.log(Level.WARNING, "SNS delivery refused: {0}", e.getMessage());
            return 400;
        }
        Optional<String> declaredType = header(headers, "x-amz-sns-message-type");
        if (declaredType.isPresent() && !declaredType.get().equals(message.type())) {
            LOG.log(Level.WARNING, "SNS delivery refused: header type differs from body type");
            return 400;
        }
        if (!allowedTopics.contains(message.topicArn())) {
            LOG.log(Level.WARNING, "SNS delivery refused: topic {0} is not allowed", message.topicArn());
            return 403;
        }
        Instant sent;
        try {
            sent = Instant.parse(message.timestamp());
        } catch (DateTimeParseException e) {
            LOG.log(Level.WARNING, "SNS delivery refused: Timestamp is not an ISO-8601 instant");
            return 400;
        }
        if (sent.isBefore(clock.instant().minus(maxMessageAge))) {
            LOG.log(
                    Level.WARNING,
                    "SNS delivery {0} refused: sent at {1}, older than {2}",
                    message.messageId(),
                    sent,
                    maxMessageAge);
            return 403;
        }
        if (policy == SignaturePolicy.VERIFY) {
            try {
                verifier.verify(message);
            } catch (SnsSignatureVerifier.Rejected e) {
                LOG.log(Level.WARNING, "SNS delivery refused: {0}", e.getMessage());
                return 403;
            }
        }
        return switch (message.type()) {
            case SnsMessage.SUBSCRIPTION_CONFIRMATION -> confirm(message);
            case SnsMessage.UNSUBSCRIBE_CONFIRMATION -> {
                LOG.log(Level.INFO, "SNS subscription to {0} ended", message.topicArn());
                yield 200;
            }
            default -> notification(message);
        };
    }

    private int confirm(SnsMessage message) {
        try {
            SubscribeUrl.check(message, policy == SignaturePolicy.VERIFY);
        } catch (SnsSignatureVerifier.Rejected e) {
            LOG.log(Level.WARNING, "SNS subscription confirmation refused: {0}", e.getMessage());
            return 403;
        }
        try {
            confirmer.confirm(message.topicArn(), message.token().orElseThrow());
        } catch (FleetException e) {
            LOG.log(Level.WARNING, "SNS subscription to {0} not confirmed: {1}", message.topicArn(), e.getMessage());
            return 503;
        }
        LOG.log(Level.INFO, "SNS subscription to {0} confirmed", message.topicArn());
        return 200;
    }

    private int notification(SnsMessage message) {
        synchronized (seen) {
            if (!seen.add(message.messageId())) {
                return 200;
            }
        }
        Optional<TokenEvent> event = TokenEvent.parse(message.message());
        if (event.isEmpty()) {
            LOG.log(Level.WARNING, "SNS notification {0} is not a token event; ignored", message.messageId());
            return 200;
        }
        try {
            tokens.accept(event.get());
        } catch (FleetException e) {
            // the table could not confirm the event: SNS delivers it again, and this id must not block that
            synchronized (seen) {
                seen.remove(message.messageId());
            }
            LOG.log(
                    Level.WARNING,
                    "SNS notification {0} not handled: {1}; SNS delivers it again",
                    message.messageId(),
                    e.getMessage());
            return 503;
        }
        return 200;
    }

    private static Optional<String> header(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.ofNullable(h.getValue());
            }
        }
        return Optional.empty();
    }
}
