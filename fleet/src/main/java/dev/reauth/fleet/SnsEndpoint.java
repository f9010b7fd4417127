package dev.reauth.fleet;

import dev.reauth.wire.TokenEvent;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SNS over HTTPS without a framework: headers and body in, an HTTP status out. Only the allowed
 * topics are heard; every message's signature is verified before anything happens; a notification is
 * acted on once however often SNS delivers it; a subscription is confirmed through the SNS API (no
 * URL from the message is fetched).
 */
public final class SnsEndpoint {

    private static final System.Logger LOG = System.getLogger(SnsEndpoint.class.getName());
    private static final int REMEMBERED_MESSAGE_IDS = 10_000;

    /** Confirms a subscription: {@code sns:ConfirmSubscription(topicArn, token)}. */
    @FunctionalInterface
    public interface SubscriptionConfirmer {
        void confirm(String topicArn, String token);
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
    private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_MESSAGE_IDS;
        }
    });

    public SnsEndpoint(Set<String> allowedTopics, SnsSignatureVerifier verifier, SignaturePolicy policy,
                       SubscriptionConfirmer confirmer, TokenSource tokens) {
        this.allowedTopics = Set.copyOf(allowedTopics);
        this.verifier = verifier;
        this.policy = policy;
        this.confirmer = confirmer;
        this.tokens = tokens;
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
        if (policy == SignaturePolicy.VERIFY) {
            try {
                verifier.verify(message);
            } catch (SnsSignatureVerifier.Rejected e) {
                LOG.log(Level.WARNING, "SNS delivery refused: {0}", e.getMessage());
                return 403;
            }
        }
        return switch (message.type()) {
            case SnsMessage.SUBSCRIPTION_CONFIRMATION -> {
                confirmer.confirm(message.topicArn(), message.token().orElseThrow());
                LOG.log(Level.INFO, "SNS subscription to {0} confirmed", message.topicArn());
                yield 200;
            }
            case SnsMessage.UNSUBSCRIBE_CONFIRMATION -> {
                LOG.log(Level.INFO, "SNS subscription to {0} ended", message.topicArn());
                yield 200;
            }
            default -> notification(message);
        };
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
        tokens.flush(event.get().accountId(), event.get().tokenVersion());
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
