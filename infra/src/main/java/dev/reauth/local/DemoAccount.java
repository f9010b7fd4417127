package dev.reauth.local;

import dev.reauth.wire.Schema;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundleJson;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The local run's account 'demo', as a proxy fleet's table holds one (a priority, a custom endpoint,
 * usage figures), and the proof that a re-authentication changed its tokens and nothing else.
 */
final class DemoAccount {

    static final String NAME = "demo";
    private static final List<String> UNTOUCHED =
            List.of("priority", "custom_endpoint", "request_count", "total_requests", "last_used", "usage");

    private DemoAccount() {}

    /** Puts 'demo' in the accounts table, marked as needing re-authentication; its id. */
    static String seed(LocalStack aws) {
        String id = UUID.randomUUID().toString();
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Accounts.ID, AttributeValue.fromS(id));
        item.put(Accounts.NAME, AttributeValue.fromS(NAME));
        item.put("priority", AttributeValue.fromN("1"));
        item.put("custom_endpoint", AttributeValue.fromS("https://proxy.example.internal/v1"));
        item.put("request_count", AttributeValue.fromN("42"));
        item.put("total_requests", AttributeValue.fromN("1234"));
        item.put(
                "last_used",
                AttributeValue.fromN(
                        Long.toString(Instant.now().minus(Duration.ofHours(9)).toEpochMilli())));
        item.put(
                "usage",
                AttributeValue.fromM(Map.of(
                        "input_tokens",
                        AttributeValue.fromN("512000"),
                        "output_tokens",
                        AttributeValue.fromN("64000"))));
        item.put(
                Accounts.EXPIRES_AT,
                AttributeValue.fromN(
                        Long.toString(Instant.now().minus(Duration.ofHours(1)).toEpochMilli())));
        item.put(Accounts.TOKEN_VERSION, AttributeValue.fromN("3"));
        item.put(Accounts.REQUIRES_REAUTH, AttributeValue.fromBool(true));
        aws.dynamo().putItem(p -> p.tableName(aws.accountsTable()).item(item));
        return id;
    }

    /** The account's item, read consistently. */
    static Map<String, AttributeValue> item(LocalStack aws, String id) {
        return aws.dynamo()
                .getItem(g -> g.tableName(aws.accountsTable())
                        .consistentRead(true)
                        .key(Map.of(Accounts.ID, AttributeValue.fromS(id))))
                .item();
    }

    /** Marks the account as needing re-authentication, as the refresher does when its refresh token dies. */
    static void markRequiresReauth(LocalStack aws, String id) {
        aws.dynamo()
                .updateItem(u -> u.tableName(aws.accountsTable())
                        .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))
                        .updateExpression("SET requires_reauth = :t")
                        .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
    }

    /** What changed between {@code before} and {@code after}: the usage figures must not have; the proxy must serve the new token. */
    static void printProof(
            PrintStream out,
            LocalStack aws,
            String id,
            Map<String, AttributeValue> before,
            Map<String, AttributeValue> after,
            DemoCacheSubscriber.Flush flush,
            DemoCacheSubscriber subscriber,
            String staleToken) {
        out.println();
        out.println("Proof (accounts table, item '" + NAME + "'):");
        for (String field : UNTOUCHED) {
            boolean same = before.get(field).equals(after.get(field));
            out.printf("  %-22s %s%n", field, show(after.get(field)) + (same ? "  (unchanged)" : "  CHANGED"));
        }
        out.printf(
                "  %-22s %s -> %s%n",
                "token_version", show(before.get(Accounts.TOKEN_VERSION)), show(after.get(Accounts.TOKEN_VERSION)));
        out.printf(
                "  %-22s %s -> %s%n",
                "requires_reauth",
                show(before.get(Accounts.REQUIRES_REAUTH)),
                show(after.get(Accounts.REQUIRES_REAUTH)));
        out.printf(
                "  %-22s %s%n",
                "expires_at",
                Instant.ofEpochMilli(
                        Long.parseLong(after.get(Accounts.EXPIRES_AT).n())));
        byte[] plaintext = aws.kms()
                .decrypt(d -> d.ciphertextBlob(
                                after.get(Accounts.TOKEN_CIPHERTEXT).b())
                        .encryptionContext(Schema.encryptionContext(id)))
                .plaintext()
                .asByteArray();
        var tokens = TokenBundleJson.read(plaintext);
        out.printf(
                "  %-22s %d bytes of KMS ciphertext; decrypts under {account_id, purpose=reauth:oauth-tokens} to a %s token"
                        + " bundle (access token %d chars, refresh token %d chars)%n",
                "token_ciphertext",
                after.get(Accounts.TOKEN_CIPHERTEXT).b().asByteArray().length,
                tokens.tokenType(),
                tokens.accessToken().length(),
                tokens.refreshToken().length());
        String served = subscriber.tokens().accessToken(id);
        out.printf(
                "  %-22s flushed at token_version %d; now serves the new access token%s%n",
                "proxy server",
                flush.tokenVersion(),
                staleToken == null
                        ? ""
                        : (served.equals(tokens.accessToken()) && !served.equals(staleToken)
                                ? " (not the one it had cached)"
                                : " -- MISMATCH"));
    }

    private static String show(AttributeValue value) {
        if (value == null) {
            return "-";
        }
        if (value.n() != null) {
            return value.n();
        }
        if (value.s() != null) {
            return value.s();
        }
        if (value.bool() != null) {
            return value.bool().toString();
        }
        if (value.hasM()) {
            Map<String, String> shown = new LinkedHashMap<>();
            value.m().forEach((k, v) -> shown.put(k, show(v)));
            return shown.toString();
        }
        return value.toString();
    }
}
