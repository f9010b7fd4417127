package dev.reauth.fleet;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The check a SubscriptionConfirmation's signed SubscribeURL must pass before the subscription is
 * confirmed: it asks SNS to ConfirmSubscription for this message's Token and TopicArn, and (for a
 * signed message) it is https on the SNS host of the topic's region. The confirmation itself goes
 * through the SNS API; the URL is never fetched.
 */
final class SubscribeUrl {

    private SubscribeUrl() {}

    /**
     * @param requireSnsHost false only for local emulators, whose URLs point at themselves
     */
    static void check(SnsMessage message, boolean requireSnsHost) throws SnsSignatureVerifier.Rejected {
        URI url;
        try {
            url = new URI(message.subscribeUrl().orElseThrow());
        } catch (URISyntaxException | NoSuchElementException e) {
            throw new SnsSignatureVerifier.Rejected("SubscribeURL is malformed");
        }
        if (requireSnsHost) {
            String snsHost = SnsTopicArn.parse(message.topicArn()).snsHost();
            if (!"https".equals(url.getScheme())
                    || !snsHost.equals(url.getHost())
                    || url.getPort() != -1
                    || url.getUserInfo() != null) {
                throw new SnsSignatureVerifier.Rejected(
                        "SubscribeURL is not https on the SNS host of the topic's region");
            }
        }
        Map<String, String> query = query(url.getRawQuery());
        if (!"ConfirmSubscription".equals(query.get("Action"))
                || !message.token().orElseThrow().equals(query.get("Token"))
                || !message.topicArn().equals(query.get("TopicArn"))) {
            throw new SnsSignatureVerifier.Rejected("SubscribeURL does not confirm this message's Token and TopicArn");
        }
    }

    /** Query parameters; a name given twice makes the URL ambiguous and is refused. */
    private static Map<String, String> query(String rawQuery) throws SnsSignatureVerifier.Rejected {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (parameters.put(name, value) != null) {
                throw new SnsSignatureVerifier.Rejected("SubscribeURL repeats a parameter");
            }
        }
        return parameters;
    }

    private static String decode(String s) throws SnsSignatureVerifier.Rejected {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SnsSignatureVerifier.Rejected("SubscribeURL is malformed");
        }
    }
}
