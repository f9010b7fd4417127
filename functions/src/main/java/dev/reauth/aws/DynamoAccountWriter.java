package dev.reauth.aws;


import static dev.reauth.aws.Attributes.bool;
import static dev.reauth.aws.Attributes.bytes;
import static dev.reauth.aws.Attributes.millis;
import static dev.reauth.aws.Attributes.n;
import static dev.reauth.aws.Attributes.number;
import static dev.reauth.aws.Attributes.s;

import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.Schema.Sessions;
import dev.reauth.domain.AccountWriter;
import dev.reauth.domain.ClaimedSession;
import dev.reauth.domain.OAuthSession;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SealedTokens;
import dev.reauth.log.StructuredLog;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Writes tokens and consumes the session in one DynamoDB transaction. The account update SETs the
 * token attributes only, so counters a proxy increments concurrently are never lost, and it
 * compares-and-sets {@code token_version}: the new version is known without reading it back, and a
 * concurrent rotation by anyone else is detected (and the write retried on top of it).
 */
public final class DynamoAccountWriter implements AccountWriter {

    private static final StructuredLog LOG = StructuredLog.of(DynamoAccountWriter.class);
    private static final int MAX_ATTEMPTS = 5;

    static final String ROTATE_EXPRESSION = "SET #ct = :ct, #exp = :exp, #ver = :next, #updated = :now,"
            + " #issued = :now, #reauth = :false";
    static final String CONSUME_EXPRESSION = "SET #consumedAt = :now REMOVE #verifier, #leaseEnd";
    static final String CONSUME_CONDITION = "#claimId = :claimId AND attribute_not_exists(#consumedAt)";

    private final DynamoDbClient dynamo;
    private final String accountsTable;
    private final String sessionsTable;

    public DynamoAccountWriter(DynamoDbClient dynamo, String accountsTable, String sessionsTable) {
        this.dynamo = dynamo;
        this.accountsTable = accountsTable;
        this.sessionsTable = sessionsTable;
    }

    @Override
    public long rotateTokens(ClaimedSession claim, SealedTokens tokens, Instant now) {
        long base = claim.session().baseTokenVersion();
        for (int attempt = 1; ; attempt++) {
            try {
                TransactWriteItem rotate = rotate(claim.session(), tokens, now, base);
                dynamo.transactWriteItems(t -> t.transactItems(rotate, consume(claim, now)));
                return base + 1;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                throwIfSessionLost(reasons);
                CancellationReason account = reasons.isEmpty() ? null : reasons.get(0);
                if (isConditionFailure(account)) {
                    Map<String, AttributeValue> current = account.item();
                    if (current == null || current.isEmpty()) {
                        throw new ReauthException.AccountNotFound(
                                "Account '" + claim.session().accountName() + "' no longer exists");
                    }
                    long seen = number(current, Accounts.TOKEN_VERSION).orElse(0L);
                    LOG.warn("tokens.version_moved", "expected", base, "found", seen, "attempt", attempt);
                    base = seen;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new ReauthException.DependencyFailed("The accounts table kept refusing the token write", e);
                }
                // otherwise a transaction conflict with a concurrent write (a proxy counting requests):
                // try again after a short, jittered pause
                pause(attempt);
            } catch (SdkException e) {
                throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
            }
        }
    }

    @Override
    public long createAccount(ClaimedSession claim, SealedTokens tokens, Instant now) {
        OAuthSession session = claim.session();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Accounts.ID, s(session.accountId()));
        item.put(Accounts.NAME, s(session.accountName()));
        item.put(Accounts.MODE, s(session.mode().wire()));
        item.put(Accounts.CREATED_AT, millis(now));
        item.put(Accounts.PRIORITY, n(0));
        item.put(Accounts.TOKEN_CIPHERTEXT, bytes(tokens.ciphertext()));
        item.put(Accounts.EXPIRES_AT, millis(tokens.expiresAt()));
        item.put(Accounts.TOKEN_VERSION, n(1));
        item.put(Accounts.TOKENS_UPDATED_AT, millis(now));
        item.put(Accounts.REFRESH_TOKEN_ISSUED_AT, millis(now));
        item.put(Accounts.REQUIRES_REAUTH, bool(false));
        TransactWriteItem put = TransactWriteItem.builder().put(p -> p.tableName(accountsTable).item(item)
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", Accounts.ID))).build();
        try {
            dynamo.transactWriteItems(t -> t.transactItems(put, consume(claim, now)));
            return 1;
        } catch (TransactionCanceledException e) {
            throwIfSessionLost(e.cancellationReasons());
            if (!e.cancellationReasons().isEmpty() && isConditionFailure(e.cancellationReasons().get(0))) {
                throw new ReauthException.AccountExists("An account with this id already exists");
            }
            throw new ReauthException.DependencyFailed("The accounts table refused the new account", e);
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L * attempt + 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReauthException.DependencyFailed("Interrupted while writing the tokens", e);
        }
    }

    private TransactWriteItem rotate(OAuthSession session, SealedTokens tokens, Instant now, long base) {
        Map<String, String> names = Map.of("#id", Accounts.ID, "#ct", Accounts.TOKEN_CIPHERTEXT,
                "#exp", Accounts.EXPIRES_AT, "#ver", Accounts.TOKEN_VERSION, "#updated", Accounts.TOKENS_UPDATED_AT,
                "#issued", Accounts.REFRESH_TOKEN_ISSUED_AT, "#reauth", Accounts.REQUIRES_REAUTH);
        Map<String, AttributeValue> values = Map.of(":ct", bytes(tokens.ciphertext()),
                ":exp", millis(tokens.expiresAt()), ":next", n(base + 1), ":now", millis(now),
                ":false", bool(false), ":base", n(base));
        return TransactWriteItem.builder().update(u -> u.tableName(accountsTable)
                .key(Map.of(Accounts.ID, s(session.accountId())))
                .updateExpression(ROTATE_EXPRESSION)
                .conditionExpression(versionCondition(base))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build();
    }

    /** The account must exist and still be at the version the write builds on. */
    static String versionCondition(long base) {
        return base == 0
                ? "attribute_exists(#id) AND (attribute_not_exists(#ver) OR #ver = :base)"
                : "attribute_exists(#id) AND #ver = :base";
    }

    private TransactWriteItem consume(ClaimedSession claim, Instant now) {
        return TransactWriteItem.builder().update(u -> u.tableName(sessionsTable)
                .key(Map.of(Sessions.STATE_HASH, s(claim.session().stateHash())))
                .updateExpression(CONSUME_EXPRESSION)
                .conditionExpression(CONSUME_CONDITION)
                .expressionAttributeNames(Map.of("#consumedAt", Sessions.CONSUMED_AT, "#verifier", Sessions.CODE_VERIFIER,
                        "#leaseEnd", Sessions.CLAIM_EXPIRES_AT, "#claimId", Sessions.CLAIM_ID))
                .expressionAttributeValues(Map.of(":now", millis(now), ":claimId", s(claim.claimId())))).build();
    }

    private static void throwIfSessionLost(List<CancellationReason> reasons) {
        if (reasons.size() > 1 && isConditionFailure(reasons.get(1))) {
            throw new ReauthException.SessionUsed("session_in_progress",
                    "This authorization was taken over by another callback");
        }
    }

    private static boolean isConditionFailure(CancellationReason reason) {
        return reason != null && "ConditionalCheckFailed".equals(reason.code());
    }
}
