package dev.reauth.fleet;

import dev.reauth.wire.Json;
import dev.reauth.wire.TokenEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds and signs SNS deliveries for tests, and reads the AWS fixtures. */
final class SnsMessages {

    private SnsMessages() {}

    static Map<String, String> notification(
            String topicArn, String certUrl, String message, Optional<String> subject, Instant sent) {
        Map<String, String> m = new HashMap<>(Map.of(
                "Type",
                "Notification",
                "MessageId",
                UUID.randomUUID().toString(),
                "TopicArn",
                topicArn,
                "Message",
                message,
                "Timestamp",
                sent.toString(),
                "SigningCertURL",
                certUrl));
        subject.ifPresent(s -> m.put("Subject", s));
        return m;
    }

    static String event(String accountId, long version) {
        return new TokenEvent(TokenEvent.TOKENS_ROTATED, accountId, "name", version, Instant.now()).toJson();
    }

    /** Signs as SNS does, over the string to sign of the message as it stands. */
    static Map<String, String> sign(Map<String, String> message, String version, PrivateKey key) {
        try {
            message.put("SignatureVersion", version);
            message.put("Signature", "placeholder");
            String stringToSign = SnsMessage.parse(body(message)).stringToSign();
            Signature signer = Signature.getInstance(version.equals("1") ? "SHA1withRSA" : "SHA256withRSA");
            signer.initSign(key);
            signer.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            message.put("Signature", Base64.getEncoder().encodeToString(signer.sign()));
            return message;
        } catch (GeneralSecurityException | SnsMessage.Malformed e) {
            throw new IllegalStateException(e);
        }
    }

    static String body(Map<String, String> fields) {
        Json.ObjectWriter json = Json.object();
        fields.forEach(json::put);
        return json.toJson();
    }

    /** A file from src/test/resources/aws-sns (see the README there for where each comes from). */
    static byte[] awsFixture(String name) {
        try (InputStream in = SnsMessages.class.getResourceAsStream("/aws-sns/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDK's trusted CAs, as production uses them. */
    static Set<TrustAnchor> jdkTrustAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(ca, null));
                    }
                }
            }
            return anchors;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
