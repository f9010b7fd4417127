package dev.reauth.aws;

import static dev.reauth.aws.Attributes.bool;
import static dev.reauth.aws.Attributes.bytes;
import static dev.reauth.aws.Attributes.millis;
import static dev.reauth.aws.Attributes.n;
import static dev.reauth.aws.Attributes.number;
import static dev.reauth.aws.Attributes.s;
import static dev.reauth.aws.Attributes.string;

import dev.reauth.domain.AccountWriter;
import dev.reauth.domain.ClaimedSession;
import dev.reauth.domain.OAuthSession;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SealedTokens;
import dev.reauth.log.StructuredLog;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.refresh.RefreshBucket;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.Schema.Sessions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
            + " #issued = :now, #reauth = :false, #bucket = :bucket, #failures = :zero";
    /**
     * A re-authentication makes the account healthy: its dead mark, backoff, lease and alerts go, and so do
     * the refresher's marks on the old grant (an uncertain rotation, a request for attention).
     */
    static final List<String> ROTATE_REMOVES = List.of(
            "#reason",
            "#reasonAt",
            "#next",
            "#leaseUntil",
            "#leaseOwner",
            "#alerts",
            "#expiringAlert",
            "#onHold",
            "#onHoldAt",
            "#uncertain",
            "#attention",
            "#attentionAt",
            "#rescue");

    static final String CONSUME_EXPRESSION = "SET #consumedAt = :now REMOVE #verifier, #leaseEnd";
    static final String CONSUME_CONDITION = "#claimId = :claimId AND attribute_not_exists(#consumedAt)";
    static final String RESERVATION_HELD_CONDITION = "#reservedBy = :stateHash";
    /** The account is not bound to a provider account yet, or to this one. */
    static final String SAME_IDENTITY_CONDITION = "(attribute_not_exists(#pAccount) OR #pAccount = :pAccount)";

    static final String UNBOUND_CONDITION = "attribute_not_exists(#pAccount)";

    private final DynamoDbClient dynamo;
    private final String accountsTable;
    private final String sessionsTable;
    private final int refreshBuckets;

    /** @param refreshBuckets how many buckets the refresh index has: a written account joins one */
    public DynamoAccountWriter(DynamoDbClient dynamo, String accountsTable, String sessionsTable, int refreshBuckets) {
        this.dynamo = dynamo;
        this.accountsTable = accountsTable;
        this.sessionsTable = sessionsTable;
        this.refreshBuckets = refreshBuckets;
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
                    if (seen == base) {
                        // the version held, so the identity condition failed
                        throw mismatch(claim.session(), current, tokens);
                    }
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
        item.put(Accounts.REFRESH_BUCKET, s(RefreshBucket.of(session.accountId(), refreshBuckets)));
        tokens.identity().ifPresent(identity -> item.putAll(identityAttributes(identity)));
        tokens.refreshTokenExpiresAt()
                .ifPresent(deadline -> item.put(Accounts.REFRESH_TOKEN_EXPIRES_AT, millis(deadline)));
        TransactWriteItem put = TransactWriteItem.builder()
                .put(p -> p.tableName(accountsTable)
                        .item(item)
                        .conditionExpression("attribute_not_exists(#id)")
                        .expressionAttributeNames(Map.of("#id", Accounts.ID)))
                .build();
        TransactWriteItem nameStillReserved = TransactWriteItem.builder()
                .conditionCheck(c -> c.tableName(sessionsTable)
                        .key(Map.of(Sessions.STATE_HASH, s(Sessions.nameReservationKey(session.accountName()))))
                        .conditionExpression(RESERVATION_HELD_CONDITION)
                        .expressionAttributeNames(Map.of("#reservedBy", Sessions.RESERVED_BY))
                        .expressionAttributeValues(Map.of(":stateHash", s(session.stateHash()))))
                .build();
        try {
            dynamo.transactWriteItems(t -> t.transactItems(put, consume(claim, now), nameStillReserved));
            return 1;
        } catch (TransactionCanceledException e) {
            throwIfSessionLost(e.cancellationReasons());
            if (!e.cancellationReasons().isEmpty()
                    && isConditionFailure(e.cancellationReasons().get(0))) {
                throw new ReauthException.AccountExists("An account with this id already exists");
            }
            if (e.cancellationReasons().size() > 2
                    && isConditionFailure(e.cancellationReasons().get(2))) {
                throw new ReauthException.AccountExists("The name '" + session.accountName()
                        + "' was reserved by another add after this session expired");
            }
            throw new ReauthException.DependencyFailed("The accounts table refused the new account", e);
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt + 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReauthException.DependencyFailed("Interrupted while writing the tokens", e);
        }
    }

    private TransactWriteItem rotate(OAuthSession session, SealedTokens tokens, Instant now, long base) {
        Map<String, String> names = new HashMap<>(Map.ofEntries(
                Map.entry("#id", Accounts.ID),
                Map.entry("#ct", Accounts.TOKEN_CIPHERTEXT),
                Map.entry("#exp", Accounts.EXPIRES_AT),
                Map.entry("#ver", Accounts.TOKEN_VERSION),
                Map.entry("#updated", Accounts.TOKENS_UPDATED_AT),
                Map.entry("#issued", Accounts.REFRESH_TOKEN_ISSUED_AT),
                Map.entry("#reauth", Accounts.REQUIRES_REAUTH),
                Map.entry("#bucket", Accounts.REFRESH_BUCKET),
                Map.entry("#failures", Accounts.REFRESH_FAILURES),
                Map.entry("#reason", Accounts.REAUTH_REASON),
                Map.entry("#reasonAt", Accounts.REAUTH_REQUIRED_AT),
                Map.entry("#next", Accounts.NEXT_REFRESH_AT),
                Map.entry("#leaseUntil", Accounts.REFRESH_LEASE_UNTIL),
                Map.entry("#leaseOwner", Accounts.REFRESH_LEASE_OWNER),
                Map.entry("#alerts", Accounts.REFRESH_ALERTS),
                Map.entry("#expiringAlert", Accounts.EXPIRING_ALERT_AT),
                Map.entry("#onHold", Accounts.ON_HOLD),
                Map.entry("#onHoldAt", Accounts.ON_HOLD_AT),
                Map.entry("#uncertain", Accounts.ROTATION_UNCERTAIN_AT),
                Map.entry("#rescue", Accounts.RESCUE_PENDING_AT),
                Map.entry("#attention", Accounts.ATTENTION_REASON),
                Map.entry("#attentionAt", Accounts.ATTENTION_AT),
                Map.entry("#rtExp", Accounts.REFRESH_TOKEN_EXPIRES_AT)));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":ct",
                bytes(tokens.ciphertext()),
                ":exp",
                millis(tokens.expiresAt()),
                ":next",
                n(base + 1),
                ":now",
                millis(now),
                ":false",
                bool(false),
                ":base",
                n(base),
                ":zero",
                n(0),
                ":bucket",
                s(RefreshBucket.of(session.accountId(), refreshBuckets))));
        IdentityWrite identity = identityWrite(tokens, session.allowAccountChange());
        names.putAll(identity.names());
        values.putAll(identity.values());
        List<String> removes = new ArrayList<>(ROTATE_REMOVES);
        removes.addAll(identity.removes());
        // a login's deadline replaces the old one; a login whose answer named none leaves none behind
        String deadline = "";
        if (tokens.refreshTokenExpiresAt().isPresent()) {
            deadline = ", #rtExp = :rtExp";
            values.put(":rtExp", millis(tokens.refreshTokenExpiresAt().get()));
        } else {
            removes.add("#rtExp");
        }
        String update = ROTATE_EXPRESSION + identity.setClause() + deadline + " REMOVE " + String.join(", ", removes);
        String condition = identity.condition()
                .map(c -> versionCondition(base) + " AND " + c)
                .orElse(versionCondition(base));
        return TransactWriteItem.builder()
                .update(u -> u.tableName(accountsTable)
                        .key(Map.of(Accounts.ID, s(session.accountId())))
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                .build();
    }

    /** What a token write does about the account's provider identity: a condition, and the attributes it sets. */
    record IdentityWrite(
            Optional<String> condition,
            String setClause,
            List<String> removes,
            Map<String, String> names,
            Map<String, AttributeValue> values) {}

    /**
     * Binds the account to the provider account that logged in. Unless the operator allowed a change,
     * an account bound to another provider account is refused, and so is one bound to any account when
     * the provider named none; an unbound account records the identity now.
     */
    static IdentityWrite identityWrite(SealedTokens tokens, boolean allowAccountChange) {
        Map<String, String> names = new HashMap<>(Map.of("#pAccount", Accounts.PROVIDER_ACCOUNT_UUID));
        if (tokens.identity().isEmpty()) {
            names.putAll(Map.of(
                    "#pEmail",
                    Accounts.PROVIDER_EMAIL,
                    "#pOrg",
                    Accounts.PROVIDER_ORGANIZATION_UUID,
                    "#pOrgName",
                    Accounts.PROVIDER_ORGANIZATION_NAME));
            return allowAccountChange
                    ? new IdentityWrite(
                            Optional.empty(),
                            "",
                            List.of("#pAccount", "#pEmail", "#pOrg", "#pOrgName"),
                            names,
                            Map.of())
                    : new IdentityWrite(
                            Optional.of(UNBOUND_CONDITION),
                            "",
                            List.of(),
                            Map.of("#pAccount", Accounts.PROVIDER_ACCOUNT_UUID),
                            Map.of());
        }
        Map<String, AttributeValue> attributes =
                identityAttributes(tokens.identity().get());
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder();
        List<String> remove = new ArrayList<>();
        Map<String, String> placeholders = Map.of(
                Accounts.PROVIDER_ACCOUNT_UUID,
                "pAccount",
                Accounts.PROVIDER_EMAIL,
                "pEmail",
                Accounts.PROVIDER_ORGANIZATION_UUID,
                "pOrg",
                Accounts.PROVIDER_ORGANIZATION_NAME,
                "pOrgName");
        for (String attribute : List.of(
                Accounts.PROVIDER_ACCOUNT_UUID,
                Accounts.PROVIDER_EMAIL,
                Accounts.PROVIDER_ORGANIZATION_UUID,
                Accounts.PROVIDER_ORGANIZATION_NAME)) {
            String p = placeholders.get(attribute);
            names.put("#" + p, attribute);
            if (attributes.containsKey(attribute)) {
                set.append(", #").append(p).append(" = :").append(p);
                values.put(":" + p, attributes.get(attribute));
            } else {
                remove.add("#" + p);
            }
        }
        return new IdentityWrite(
                allowAccountChange ? Optional.empty() : Optional.of(SAME_IDENTITY_CONDITION),
                set.toString(),
                remove,
                names,
                values);
    }

    static Map<String, AttributeValue> identityAttributes(ProviderIdentity identity) {
        Map<String, AttributeValue> attributes = new HashMap<>();
        attributes.put(Accounts.PROVIDER_ACCOUNT_UUID, s(identity.accountUuid()));
        identity.email().ifPresent(email -> attributes.put(Accounts.PROVIDER_EMAIL, s(email)));
        identity.organizationUuid().ifPresent(org -> attributes.put(Accounts.PROVIDER_ORGANIZATION_UUID, s(org)));
        identity.organizationName().ifPresent(org -> attributes.put(Accounts.PROVIDER_ORGANIZATION_NAME, s(org)));
        return attributes;
    }

    private static ReauthException.AccountMismatch mismatch(
            OAuthSession session, Map<String, AttributeValue> current, SealedTokens tokens) {
        String bound = string(current, Accounts.PROVIDER_EMAIL)
                .or(() -> string(current, Accounts.PROVIDER_ACCOUNT_UUID))
                .orElse("another provider account");
        String loggedIn = tokens.identity().map(ProviderIdentity::label).orElse("an account the provider did not name");
        LOG.warn("tokens.account_mismatch", "identityKnown", tokens.identity().isPresent());
        return new ReauthException.AccountMismatch("Account '" + session.accountName()
                + "' belongs to provider account "
                + bound + ", but " + loggedIn
                + " logged in. Nothing was written. Open the authorization URL again, log in as "
                + bound + " and paste the new code, or start again with --allow-account-change to move the account.");
    }

    /** The account must exist and still be at the version the write builds on. */
    static String versionCondition(long base) {
        return base == 0
                ? "attribute_exists(#id) AND (attribute_not_exists(#ver) OR #ver = :base)"
                : "attribute_exists(#id) AND #ver = :base";
    }

    private TransactWriteItem consume(ClaimedSession claim, Instant now) {
        return TransactWriteItem.builder()
                .update(u -> u.tableName(sessionsTable)
                        .key(Map.of(Sessions.STATE_HASH, s(claim.session().stateHash())))
                        .updateExpression(CONSUME_EXPRESSION)
                        .conditionExpression(CONSUME_CONDITION)
                        .expressionAttributeNames(Map.of(
                                "#consumedAt",
                                Sessions.CONSUMED_AT,
                                "#verifier",
                                Sessions.CODE_VERIFIER,
                                "#leaseEnd",
                                Sessions.CLAIM_EXPIRES_AT,
                                "#claimId",
                                Sessions.CLAIM_ID))
                        .expressionAttributeValues(Map.of(":now", millis(now), ":claimId", s(claim.claimId()))))
                .build();
    }

    private static void throwIfSessionLost(List<CancellationReason> reasons) {
        if (reasons.size() > 1 && isConditionFailure(reasons.get(1))) {
            throw new ReauthException.SessionUsed(
                    "session_in_progress", "This authorization was taken over by another callback");
        }
    }

    private static boolean isConditionFailure(CancellationReason reason) {
        return reason != null && "ConditionalCheckFailed".equals(reason.code());
    }
}
