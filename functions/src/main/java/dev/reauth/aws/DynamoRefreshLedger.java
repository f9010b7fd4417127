package dev.reauth.aws;

import static dev.reauth.aws.Attributes.bool;
import static dev.reauth.aws.Attributes.bytes;
import static dev.reauth.aws.Attributes.instant;
import static dev.reauth.aws.Attributes.millis;
import static dev.reauth.aws.Attributes.n;
import static dev.reauth.aws.Attributes.number;
import static dev.reauth.aws.Attributes.s;
import static dev.reauth.aws.Attributes.string;

import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SealedTokens;
import dev.reauth.oauth.AccountMode;
import dev.reauth.refresh.DueAccount;
import dev.reauth.refresh.LeasedAccount;
import dev.reauth.refresh.RefreshBucket;
import dev.reauth.refresh.RefreshClaim;
import dev.reauth.refresh.RefreshLedger;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The refresher's view of the accounts table. Due accounts come from a sparse GSI (partition
 * {@code refresh_bucket}, sort {@code expires_at}) that holds only accounts reauth keeps alive, so a
 * run reads what is due and nothing else. Every write is one conditional UpdateItem that touches the
 * token and refresh attributes only.
 */
public final class DynamoRefreshLedger implements RefreshLedger {

    /** Claimable: sealed tokens, not dead, no live lease, no provider call within the minimum interval. */
    static final String CLAIM_CONDITION = "attribute_exists(#id) AND attribute_exists(#ct)"
            + " AND (attribute_not_exists(#reauth) OR #reauth = :false)"
            + " AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)"
            + " AND (attribute_not_exists(#attempt) OR #attempt <= :recent)"
            // the provider asked (429 Retry-After) for no call before then: on-demand refreshes too
            + " AND (attribute_not_exists(#throttled) OR #throttled <= :now)";

    static final String CLAIM_UPDATE = "SET #leaseUntil = :leaseEnd, #leaseOwner = :owner, #attempt = :now";
    /** Every write after the claim holds only while this refresher still holds the lease on the version it read. */
    static final String LEASE_HELD = "#ver = :base AND #leaseOwner = :owner";
    /** New tokens make the account healthy: token_version + 1, back in the index, dead mark, backoff, lease and alerts gone. */
    static final String TOKENS_UPDATE = "SET #ct = :ct, #exp = :exp, #ver = :next, #updated = :now, #reauth = :false,"
            + " #failures = :zero, #bucket = :bucket%s REMOVE #leaseUntil, #leaseOwner, #next, #alerts, #reason, #reasonAt,"
            + " #uncertain, #rescue%s";
    /** New tokens that need a person's look: the reason is set (otherwise it is removed with the other marks). */
    static final String ATTENTION_SET = ", #attention = :attention, #attentionAt = :now";

    static final String ATTENTION_REMOVE = ", #attention, #attentionAt";
    /** Rescued tokens: on the version their refresh leased, unless another refresher holds a live lease. */
    static final String LAND_CONDITION =
            "#ver = :base AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now" + " OR #leaseOwner = :owner)";

    static final String COMMIT_EXTRA = ", #last = :now, #result = :ok";
    static final String COMMIT_COUNT = " ADD #count :one";
    /** Adopted tokens also note that an agent serves the account, and say where the tokens came from. */
    static final String ADOPT_EXTRA = ", #issued = :now, #seen = :now, #result = :adopted";

    /** Adopted tokens: only on the version the proxy refreshed from, and never under a live lease. */
    static final String ADOPT_CONDITION = "#ver = :base AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)";

    /** The kind joins the since-healthy set, and the recent list with the time (for operators). */
    static final String NOTE_ALERT =
            "ADD #alerts :kind SET #recent = list_append(if_not_exists(#recent, :none), :entry)";

    static final String DEAD_UPDATE = "SET #reauth = :true, #reason = :reason, #reasonAt = :now, #result = :dead"
            + " REMOVE #bucket, #leaseUntil, #leaseOwner, #next";
    static final String FAILURE_UPDATE = "SET #failures = if_not_exists(#failures, :zero) + :one, #result = :result,"
            + " #next = :retryAt%s REMOVE #leaseUntil, #leaseOwner";
    /** The newest tokens wait in the rescue queue: noted only while the tokens are the version they were refreshed from. */
    static final String RESCUE_NOTE = "SET #rescue = :at";
    /** A rescue found moot: its note goes, unless a later rescue's note replaced it. */
    static final String RESCUE_CLEAR = "REMOVE #rescue";

    static final String UNCERTAIN_SET = ", #uncertain = if_not_exists(#uncertain, :uncertain)";

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("#id", Accounts.ID),
            Map.entry("#ct", Accounts.TOKEN_CIPHERTEXT),
            Map.entry("#ver", Accounts.TOKEN_VERSION),
            Map.entry("#reauth", Accounts.REQUIRES_REAUTH),
            Map.entry("#leaseUntil", Accounts.REFRESH_LEASE_UNTIL),
            Map.entry("#leaseOwner", Accounts.REFRESH_LEASE_OWNER),
            Map.entry("#attempt", Accounts.LAST_REFRESH_ATTEMPT_AT),
            Map.entry("#throttled", Accounts.THROTTLED_UNTIL));

    private final DynamoDbClient dynamo;
    private final String table;
    private final String refreshIndex;
    private final int buckets;

    public DynamoRefreshLedger(DynamoDbClient dynamo, String table, String refreshIndex, int buckets) {
        this.dynamo = dynamo;
        this.table = table;
        this.refreshIndex = refreshIndex;
        this.buckets = buckets;
    }

    @Override
    public List<DueAccount> findDue(Instant horizon) {
        List<DueAccount> due = new ArrayList<>();
        try {
            for (String bucket : RefreshBucket.all(buckets)) {
                Map<String, AttributeValue> startKey = null;
                do {
                    Map<String, AttributeValue> from = startKey;
                    QueryResponse page = dynamo.query(q -> q.tableName(table)
                            .indexName(refreshIndex)
                            .keyConditionExpression("#bucket = :bucket AND #exp <= :horizon")
                            .projectionExpression("#id, #name, #ver, #exp, #next, #leaseUntil, #alerts")
                            .expressionAttributeNames(Map.of(
                                    "#bucket",
                                    Accounts.REFRESH_BUCKET,
                                    "#exp",
                                    Accounts.EXPIRES_AT,
                                    "#id",
                                    Accounts.ID,
                                    "#name",
                                    Accounts.NAME,
                                    "#ver",
                                    Accounts.TOKEN_VERSION,
                                    "#next",
                                    Accounts.NEXT_REFRESH_AT,
                                    "#leaseUntil",
                                    Accounts.REFRESH_LEASE_UNTIL,
                                    "#alerts",
                                    Accounts.REFRESH_ALERTS))
                            .expressionAttributeValues(Map.of(":bucket", s(bucket), ":horizon", millis(horizon)))
                            .exclusiveStartKey(from));
                    for (Map<String, AttributeValue> item : page.items()) {
                        due.add(new DueAccount(
                                Attributes.requiredString(item, Accounts.ID),
                                string(item, Accounts.NAME).orElse(""),
                                number(item, Accounts.TOKEN_VERSION).orElse(0L),
                                instant(item, Accounts.EXPIRES_AT).orElse(Instant.EPOCH),
                                instant(item, Accounts.NEXT_REFRESH_AT),
                                instant(item, Accounts.REFRESH_LEASE_UNTIL),
                                alerts(item)));
                    }
                    startKey = page.hasLastEvaluatedKey()
                                    && !page.lastEvaluatedKey().isEmpty()
                            ? page.lastEvaluatedKey()
                            : null;
                } while (startKey != null);
            }
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table's refresh index is unavailable", e);
        }
        return due;
    }

    @Override
    public RefreshClaim claim(
            String accountId,
            OptionalLong expectedVersion,
            String leaseOwner,
            Instant now,
            Duration lease,
            Duration minInterval) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":false",
                bool(false),
                ":now",
                millis(now),
                ":recent",
                millis(now.minus(minInterval)),
                ":leaseEnd",
                millis(now.plus(lease)),
                ":owner",
                s(leaseOwner)));
        String condition = CLAIM_CONDITION;
        if (expectedVersion.isPresent()) {
            condition += " AND #ver = :expected";
            values.put(":expected", n(expectedVersion.getAsLong()));
        }
        String finalCondition = condition;
        Map<String, String> names = new HashMap<>(NAMES);
        if (expectedVersion.isEmpty()) {
            names.remove("#ver");
        }
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(u -> u.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .updateExpression(CLAIM_UPDATE)
                            .conditionExpression(finalCondition)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            // the item before the claim: a lease still on it expired with no outcome recorded
                            .returnValues(ReturnValue.ALL_OLD)
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                    .attributes();
            return new RefreshClaim.Leased(new LeasedAccount(
                    accountId,
                    string(item, Accounts.NAME).orElse(""),
                    number(item, Accounts.TOKEN_VERSION).orElse(0L),
                    item.get(Accounts.TOKEN_CIPHERTEXT).b().asByteArray(),
                    leaseOwner,
                    number(item, Accounts.REFRESH_FAILURES).orElse(0L).intValue(),
                    alerts(item),
                    instant(item, Accounts.LAST_REFRESH_AT).or(() -> instant(item, Accounts.TOKENS_UPDATED_AT)),
                    instant(item, Accounts.ROTATION_UNCERTAIN_AT),
                    instant(item, Accounts.REFRESH_LEASE_UNTIL),
                    instant(item, Accounts.EXPIRES_AT)));
        } catch (ConditionalCheckFailedException e) {
            return whyNotClaimed(e.item(), expectedVersion, now, minInterval);
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    /** Explains a refused claim from the item as it was. */
    static RefreshClaim.Refused whyNotClaimed(
            Map<String, AttributeValue> old, OptionalLong expectedVersion, Instant now, Duration minInterval) {
        if (old == null || old.isEmpty()) {
            return new RefreshClaim.Refused(RefreshClaim.Reason.GONE, 0, Optional.empty());
        }
        long version = number(old, Accounts.TOKEN_VERSION).orElse(0L);
        Optional<Instant> leaseUntil = instant(old, Accounts.REFRESH_LEASE_UNTIL);
        RefreshClaim.Reason reason;
        if (!old.containsKey(Accounts.TOKEN_CIPHERTEXT)) {
            reason = RefreshClaim.Reason.NOT_MANAGED;
        } else if (isDead(old)) {
            reason = RefreshClaim.Reason.DEAD;
        } else if (expectedVersion.isPresent() && version != expectedVersion.getAsLong()) {
            reason = RefreshClaim.Reason.VERSION_MOVED;
        } else if (leaseUntil.filter(until -> !until.isBefore(now)).isPresent()) {
            reason = RefreshClaim.Reason.IN_FLIGHT;
        } else {
            reason = RefreshClaim.Reason.TOO_SOON;
        }
        return new RefreshClaim.Refused(reason, version, leaseUntil);
    }

    @Override
    public OptionalLong commit(
            LeasedAccount account,
            SealedTokens tokens,
            boolean refreshTokenRotated,
            Optional<String> attention,
            Instant now) {
        return refreshedWrite(
                account.id(),
                account.tokenVersion(),
                account.leaseOwner(),
                LEASE_HELD,
                tokens,
                refreshTokenRotated,
                attention,
                now);
    }

    @Override
    public OptionalLong land(
            String accountId,
            long baseVersion,
            String leaseOwner,
            SealedTokens tokens,
            boolean refreshTokenRotated,
            Optional<String> attention,
            Instant now) {
        return refreshedWrite(
                accountId, baseVersion, leaseOwner, LAND_CONDITION, tokens, refreshTokenRotated, attention, now);
    }

    /** Tokens from the provider's refresh answer: a commit under the lease, or a rescue landing. */
    private OptionalLong refreshedWrite(
            String accountId,
            long baseVersion,
            String leaseOwner,
            String condition,
            SealedTokens tokens,
            boolean refreshTokenRotated,
            Optional<String> attention,
            Instant now) {
        Map<String, String> names = tokenNames(refreshTokenRotated);
        names.putAll(Map.of(
                "#last",
                Accounts.LAST_REFRESH_AT,
                "#result",
                Accounts.LAST_REFRESH_RESULT,
                "#count",
                Accounts.REFRESH_COUNT));
        Map<String, AttributeValue> values = tokenValues(accountId, baseVersion, tokens, now);
        values.putAll(Map.of(":ok", s("ok"), ":one", n(1), ":owner", s(leaseOwner)));
        attention.ifPresent(reason -> values.put(":attention", s(reason)));
        String update = String.format(
                        TOKENS_UPDATE,
                        (refreshTokenRotated ? ", #issued = :now" : "")
                                + deadline(tokens, names, values)
                                + COMMIT_EXTRA
                                + (attention.isPresent() ? ATTENTION_SET : ""),
                        attention.isPresent() ? "" : ATTENTION_REMOVE)
                + COMMIT_COUNT;
        return conditionalUpdate(accountId, update, condition, names, values)
                ? OptionalLong.of(baseVersion + 1)
                : OptionalLong.empty();
    }

    @Override
    public Optional<Adopted> adopt(String accountId, long baseVersion, SealedTokens tokens, Instant now) {
        Map<String, String> names = tokenNames(true);
        names.put("#seen", Accounts.AGENT_SEEN_AT);
        names.put("#result", Accounts.LAST_REFRESH_RESULT);
        Map<String, AttributeValue> values = tokenValues(accountId, baseVersion, tokens, now);
        values.put(":adopted", s("adopted"));
        // the identity the provider named for the tokens: the account's own, or the first for an unbound one
        String identitySet = "";
        String identityRemove = "";
        String condition = ADOPT_CONDITION;
        if (tokens.identity().isPresent()) {
            DynamoAccountWriter.IdentityWrite identity = DynamoAccountWriter.identityWrite(tokens, false);
            identitySet = identity.setClause();
            identityRemove =
                    identity.removes().stream().map(name -> ", " + name).collect(Collectors.joining());
            condition = ADOPT_CONDITION + " AND " + identity.condition().orElseThrow();
            names.putAll(identity.names());
            values.putAll(identity.values());
        }
        String update = String.format(
                TOKENS_UPDATE,
                ADOPT_EXTRA + identitySet + deadline(tokens, names, values),
                ATTENTION_REMOVE + identityRemove);
        String adoptCondition = condition;
        try {
            Map<String, AttributeValue> old = dynamo.updateItem(u -> u.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .updateExpression(update)
                            .conditionExpression(adoptCondition)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .returnValues(ReturnValue.UPDATED_OLD))
                    .attributes();
            return Optional.of(new Adopted(baseVersion + 1, old != null && isDead(old)));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    /**
     * The refresh-token deadline the answer named, as a SET clause; none when it named none (a
     * refresh does not extend the deadline, so the stored one still holds).
     */
    private static String deadline(SealedTokens tokens, Map<String, String> names, Map<String, AttributeValue> values) {
        if (tokens.refreshTokenExpiresAt().isEmpty()) {
            return "";
        }
        names.put("#rtExp", Accounts.REFRESH_TOKEN_EXPIRES_AT);
        values.put(":rtExp", millis(tokens.refreshTokenExpiresAt().get()));
        return ", #rtExp = :rtExp";
    }

    private static Map<String, String> tokenNames(boolean refreshTokenRotated) {
        Map<String, String> names = new HashMap<>(Map.ofEntries(
                Map.entry("#ct", Accounts.TOKEN_CIPHERTEXT),
                Map.entry("#exp", Accounts.EXPIRES_AT),
                Map.entry("#ver", Accounts.TOKEN_VERSION),
                Map.entry("#updated", Accounts.TOKENS_UPDATED_AT),
                Map.entry("#reauth", Accounts.REQUIRES_REAUTH),
                Map.entry("#failures", Accounts.REFRESH_FAILURES),
                Map.entry("#bucket", Accounts.REFRESH_BUCKET),
                Map.entry("#leaseUntil", Accounts.REFRESH_LEASE_UNTIL),
                Map.entry("#leaseOwner", Accounts.REFRESH_LEASE_OWNER),
                Map.entry("#next", Accounts.NEXT_REFRESH_AT),
                Map.entry("#alerts", Accounts.REFRESH_ALERTS),
                Map.entry("#reason", Accounts.REAUTH_REASON),
                Map.entry("#reasonAt", Accounts.REAUTH_REQUIRED_AT),
                Map.entry("#uncertain", Accounts.ROTATION_UNCERTAIN_AT),
                Map.entry("#rescue", Accounts.RESCUE_PENDING_AT),
                Map.entry("#attention", Accounts.ATTENTION_REASON),
                Map.entry("#attentionAt", Accounts.ATTENTION_AT)));
        if (refreshTokenRotated) {
            names.put("#issued", Accounts.REFRESH_TOKEN_ISSUED_AT);
        }
        return names;
    }

    private Map<String, AttributeValue> tokenValues(
            String accountId, long baseVersion, SealedTokens tokens, Instant now) {
        return new HashMap<>(Map.of(
                ":ct",
                bytes(tokens.ciphertext()),
                ":exp",
                millis(tokens.expiresAt()),
                ":next",
                n(baseVersion + 1),
                ":now",
                millis(now),
                ":false",
                bool(false),
                ":zero",
                n(0),
                ":bucket",
                s(RefreshBucket.of(accountId, buckets)),
                ":base",
                n(baseVersion)));
    }

    @Override
    public Optional<Sealed> sealed(String accountId) {
        Map<String, AttributeValue> item;
        try {
            item = dynamo.getItem(g -> g.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .consistentRead(true)
                            .projectionExpression("#name, #ver, #ct")
                            .expressionAttributeNames(Map.of(
                                    "#name",
                                    Accounts.NAME,
                                    "#ver",
                                    Accounts.TOKEN_VERSION,
                                    "#ct",
                                    Accounts.TOKEN_CIPHERTEXT)))
                    .item();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
        if (item == null || !item.containsKey(Accounts.TOKEN_CIPHERTEXT)) {
            return Optional.empty();
        }
        return Optional.of(new Sealed(
                string(item, Accounts.NAME).orElse(""),
                number(item, Accounts.TOKEN_VERSION).orElse(0L),
                item.get(Accounts.TOKEN_CIPHERTEXT).b().asByteArray()));
    }

    @Override
    public void createImported(
            String accountId, String name, AccountMode mode, OptionalLong priority, SealedTokens tokens, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Accounts.ID, s(accountId));
        item.put(Accounts.NAME, s(name));
        item.put(Accounts.MODE, s(mode.wire()));
        item.put(Accounts.CREATED_AT, millis(now));
        item.put(Accounts.PRIORITY, n(priority.orElse(0)));
        item.put(Accounts.TOKEN_CIPHERTEXT, bytes(tokens.ciphertext()));
        item.put(Accounts.EXPIRES_AT, millis(tokens.expiresAt()));
        item.put(Accounts.TOKEN_VERSION, n(1));
        item.put(Accounts.TOKENS_UPDATED_AT, millis(now));
        item.put(Accounts.REQUIRES_REAUTH, bool(false));
        item.put(Accounts.REFRESH_BUCKET, s(RefreshBucket.of(accountId, buckets)));
        tokens.refreshTokenExpiresAt()
                .ifPresent(deadline -> item.put(Accounts.REFRESH_TOKEN_EXPIRES_AT, millis(deadline)));
        tokens.identity().ifPresent(identity -> item.putAll(DynamoAccountWriter.identityAttributes(identity)));
        try {
            dynamo.putItem(p -> p.tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", Accounts.ID)));
        } catch (ConditionalCheckFailedException e) {
            throw new ReauthException.AccountExists("An account with this id already exists");
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    @Override
    public boolean markDead(LeasedAccount account, String reason, Instant now) {
        return conditionalUpdate(
                account.id(),
                DEAD_UPDATE,
                LEASE_HELD,
                Map.of(
                        "#reauth",
                        Accounts.REQUIRES_REAUTH,
                        "#reason",
                        Accounts.REAUTH_REASON,
                        "#reasonAt",
                        Accounts.REAUTH_REQUIRED_AT,
                        "#result",
                        Accounts.LAST_REFRESH_RESULT,
                        "#bucket",
                        Accounts.REFRESH_BUCKET,
                        "#leaseUntil",
                        Accounts.REFRESH_LEASE_UNTIL,
                        "#leaseOwner",
                        Accounts.REFRESH_LEASE_OWNER,
                        "#next",
                        Accounts.NEXT_REFRESH_AT,
                        "#ver",
                        Accounts.TOKEN_VERSION),
                Map.of(
                        ":true",
                        bool(true),
                        ":reason",
                        s(reason),
                        ":now",
                        millis(now),
                        ":dead",
                        s("dead"),
                        ":base",
                        n(account.tokenVersion()),
                        ":owner",
                        s(account.leaseOwner())));
    }

    /** Suspended by the provider: requires re-authentication (proxies stop using it) and marked on hold, since when. */
    static final String ON_HOLD_UPDATE = "SET #reauth = :true, #reason = :reason, #reasonAt = :now, #result = :onHold,"
            + " #onHold = :true, #onHoldAt = :now REMOVE #bucket, #leaseUntil, #leaseOwner, #next";

    @Override
    public boolean markOnHold(LeasedAccount account, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of(
                "#reauth", Accounts.REQUIRES_REAUTH,
                "#reason", Accounts.REAUTH_REASON,
                "#reasonAt", Accounts.REAUTH_REQUIRED_AT,
                "#result", Accounts.LAST_REFRESH_RESULT,
                "#onHold", Accounts.ON_HOLD,
                "#onHoldAt", Accounts.ON_HOLD_AT,
                "#bucket", Accounts.REFRESH_BUCKET,
                "#leaseUntil", Accounts.REFRESH_LEASE_UNTIL,
                "#leaseOwner", Accounts.REFRESH_LEASE_OWNER,
                "#next", Accounts.NEXT_REFRESH_AT));
        names.put("#ver", Accounts.TOKEN_VERSION);
        return conditionalUpdate(
                account.id(),
                ON_HOLD_UPDATE,
                LEASE_HELD,
                names,
                Map.of(
                        ":true", bool(true),
                        ":reason", s(ON_HOLD_REASON),
                        ":now", millis(now),
                        ":onHold", s(ON_HOLD_REASON),
                        ":base", n(account.tokenVersion()),
                        ":owner", s(account.leaseOwner())));
    }

    /** The result a 429 is recorded with; its retry time also holds back every claim, on-demand ones too. */
    static final String THROTTLED_RESULT = "throttled";

    @Override
    public int recordFailure(
            LeasedAccount account, String result, Instant retryAt, Optional<Instant> uncertainSince, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of(
                "#failures",
                Accounts.REFRESH_FAILURES,
                "#result",
                Accounts.LAST_REFRESH_RESULT,
                "#next",
                Accounts.NEXT_REFRESH_AT,
                "#leaseUntil",
                Accounts.REFRESH_LEASE_UNTIL,
                "#leaseOwner",
                Accounts.REFRESH_LEASE_OWNER,
                "#ver",
                Accounts.TOKEN_VERSION));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":zero",
                n(0),
                ":one",
                n(1),
                ":result",
                s(result),
                ":retryAt",
                millis(retryAt),
                ":base",
                n(account.tokenVersion()),
                ":owner",
                s(account.leaseOwner())));
        uncertainSince.ifPresent(since -> {
            names.put("#uncertain", Accounts.ROTATION_UNCERTAIN_AT);
            values.put(":uncertain", millis(since));
        });
        boolean throttled = THROTTLED_RESULT.equals(result);
        if (throttled) {
            // the provider's Retry-After also holds back every claim, on-demand ones too
            names.put("#throttled", Accounts.THROTTLED_UNTIL);
        }
        String update = String.format(
                FAILURE_UPDATE,
                (uncertainSince.isPresent() ? UNCERTAIN_SET : "") + (throttled ? ", #throttled = :retryAt" : ""));
        try {
            Map<String, AttributeValue> updated = dynamo.updateItem(u -> u.tableName(table)
                            .key(Map.of(Accounts.ID, s(account.id())))
                            .updateExpression(update)
                            .conditionExpression(LEASE_HELD)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .returnValues(ReturnValue.UPDATED_NEW))
                    .attributes();
            return number(updated, Accounts.REFRESH_FAILURES)
                    .orElse(account.failures() + 1L)
                    .intValue();
        } catch (ConditionalCheckFailedException e) {
            // the tokens moved or the lease was taken: this failure no longer describes the account
            return account.failures();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    @Override
    public void noteRescuePending(String accountId, long baseVersion, Instant rescuedAt) {
        conditionalUpdate(
                accountId,
                RESCUE_NOTE,
                "#ver = :base",
                Map.of("#rescue", Accounts.RESCUE_PENDING_AT, "#ver", Accounts.TOKEN_VERSION),
                Map.of(":at", millis(rescuedAt), ":base", n(baseVersion)));
    }

    @Override
    public void clearRescuePending(String accountId, Instant rescuedAt) {
        conditionalUpdate(
                accountId,
                RESCUE_CLEAR,
                "#rescue = :at",
                Map.of("#rescue", Accounts.RESCUE_PENDING_AT),
                Map.of(":at", millis(rescuedAt)));
    }

    @Override
    public void noteAlert(String accountId, String kind) {
        try {
            Map<String, AttributeValue> noted = dynamo.updateItem(u -> u.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .updateExpression(NOTE_ALERT)
                            .conditionExpression("attribute_exists(#id)")
                            .expressionAttributeNames(Map.of(
                                    "#alerts",
                                    Accounts.REFRESH_ALERTS,
                                    "#recent",
                                    Accounts.RECENT_ALERTS,
                                    "#id",
                                    Accounts.ID))
                            .expressionAttributeValues(Map.of(
                                    ":kind",
                                    AttributeValue.fromSs(List.of(kind)),
                                    ":entry",
                                    AttributeValue.fromL(List.of(s(AlertNotes.entry(kind, Instant.now())))),
                                    ":none",
                                    AttributeValue.fromL(List.of())))
                            .returnValues(ReturnValue.UPDATED_NEW))
                    .attributes();
            AttributeValue recent = noted == null ? null : noted.get(Accounts.RECENT_ALERTS);
            if (recent != null && recent.hasL() && recent.l().size() > AlertNotes.KEPT) {
                // only the last few are kept; the oldest goes, once, whoever trims first
                dynamo.updateItem(u -> u.tableName(table)
                        .key(Map.of(Accounts.ID, s(accountId)))
                        .updateExpression("REMOVE #recent[0]")
                        .conditionExpression("size(#recent) > :kept")
                        .expressionAttributeNames(Map.of("#recent", Accounts.RECENT_ALERTS))
                        .expressionAttributeValues(Map.of(":kept", n(AlertNotes.KEPT))));
            }
        } catch (ConditionalCheckFailedException gone) {
            // deleted meanwhile: nothing to note
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    @Override
    public RefreshClaim.Refused current(String accountId, Instant now) {
        Map<String, AttributeValue> item;
        try {
            item = dynamo.getItem(g -> g.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .consistentRead(true)
                            .projectionExpression("#id, #ver, #reauth, #leaseUntil")
                            .expressionAttributeNames(Map.of(
                                    "#id",
                                    Accounts.ID,
                                    "#ver",
                                    Accounts.TOKEN_VERSION,
                                    "#reauth",
                                    Accounts.REQUIRES_REAUTH,
                                    "#leaseUntil",
                                    Accounts.REFRESH_LEASE_UNTIL)))
                    .item();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
        if (item == null || item.isEmpty()) {
            return new RefreshClaim.Refused(RefreshClaim.Reason.GONE, 0, Optional.empty());
        }
        Optional<Instant> leaseUntil = instant(item, Accounts.REFRESH_LEASE_UNTIL);
        RefreshClaim.Reason reason = isDead(item)
                ? RefreshClaim.Reason.DEAD
                : leaseUntil.filter(until -> !until.isBefore(now)).isPresent()
                        ? RefreshClaim.Reason.IN_FLIGHT
                        : RefreshClaim.Reason.IDLE;
        return new RefreshClaim.Refused(
                reason, number(item, Accounts.TOKEN_VERSION).orElse(0L), leaseUntil);
    }

    private boolean conditionalUpdate(
            String accountId,
            String update,
            String condition,
            Map<String, String> names,
            Map<String, AttributeValue> values) {
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(Accounts.ID, s(accountId)))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    private static boolean isDead(Map<String, AttributeValue> item) {
        AttributeValue reauth = item.get(Accounts.REQUIRES_REAUTH);
        return reauth != null && Boolean.TRUE.equals(reauth.bool());
    }

    private static Set<String> alerts(Map<String, AttributeValue> item) {
        AttributeValue alerts = item.get(Accounts.REFRESH_ALERTS);
        return alerts == null || !alerts.hasSs() ? Set.of() : Set.copyOf(alerts.ss());
    }
}
