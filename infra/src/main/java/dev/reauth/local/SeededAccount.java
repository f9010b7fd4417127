package dev.reauth.local;

import dev.reauth.aws.KmsTokenVault;
import dev.reauth.oauth.AccountMode;
import dev.reauth.refresh.RefreshBucket;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An account put straight into the table as the callback leaves it after a login: tokens the local
 * provider issued, sealed under the account's encryption context, token_version 1, expires_at,
 * refresh_bucket and the provider identity it is bound to. No browser, no code exchange: for
 * benchmarks seeding many accounts and for tests whose provider timeout is too short for a login.
 */
public final class SeededAccount {

    private SeededAccount() {}

    /** Seeds {@code name} (its login is {@code name@example.com}) spread over {@code buckets}; its new id. */
    public static String seed(LocalStack aws, LocalOAuthProvider provider, int buckets, String name) {
        KmsTokenVault vault = new KmsTokenVault(aws.kms(), aws.keyArn());
        String id = UUID.randomUUID().toString();
        LocalOAuthProvider.Login login = LocalOAuthProvider.Login.of(name + "@example.com");
        LocalOAuthProvider.IssuedTokens tokens = provider.issueTokens(login);
        byte[] sealed = vault.seal(
                id,
                new TokenBundle(
                        tokens.accessToken(),
                        tokens.refreshToken(),
                        "Bearer",
                        Optional.of(tokens.scope()),
                        Optional.empty()));
        Instant now = Instant.now();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Accounts.ID, AttributeValue.fromS(id));
        item.put(Accounts.NAME, AttributeValue.fromS(name));
        item.put(Accounts.MODE, AttributeValue.fromS(AccountMode.MAX.wire()));
        item.put(Accounts.CREATED_AT, millis(now));
        item.put(Accounts.PRIORITY, AttributeValue.fromN("0"));
        item.put(Accounts.TOKEN_CIPHERTEXT, AttributeValue.fromB(SdkBytes.fromByteArray(sealed)));
        item.put(Accounts.EXPIRES_AT, millis(now.plus(tokens.expiresIn())));
        item.put(Accounts.TOKEN_VERSION, AttributeValue.fromN("1"));
        item.put(Accounts.TOKENS_UPDATED_AT, millis(now));
        item.put(Accounts.REFRESH_TOKEN_ISSUED_AT, millis(now));
        item.put(Accounts.REQUIRES_REAUTH, AttributeValue.fromBool(false));
        item.put(Accounts.REFRESH_BUCKET, AttributeValue.fromS(RefreshBucket.of(id, buckets)));
        item.put(Accounts.PROVIDER_ACCOUNT_UUID, AttributeValue.fromS(login.accountUuid()));
        item.put(Accounts.PROVIDER_EMAIL, AttributeValue.fromS(login.email()));
        item.put(Accounts.PROVIDER_ORGANIZATION_UUID, AttributeValue.fromS(login.organizationUuid()));
        item.put(Accounts.PROVIDER_ORGANIZATION_NAME, AttributeValue.fromS(login.organizationName()));
        aws.dynamo().putItem(p -> p.tableName(aws.accountsTable()).item(item));
        return id;
    }

    private static AttributeValue millis(Instant at) {
        return AttributeValue.fromN(Long.toString(at.toEpochMilli()));
    }
}
