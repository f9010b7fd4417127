package dev.reauth.aws;

import static dev.reauth.aws.Attributes.instant;
import static dev.reauth.aws.Attributes.millis;
import static dev.reauth.aws.Attributes.n;
import static dev.reauth.aws.Attributes.number;
import static dev.reauth.aws.Attributes.requiredString;
import static dev.reauth.aws.Attributes.s;
import static dev.reauth.aws.Attributes.string;

import dev.reauth.config.LinkSettings;
import dev.reauth.domain.ReauthException;
import dev.reauth.link.LinkClaim;
import dev.reauth.link.LinkRecord;
import dev.reauth.link.LinkStatus;
import dev.reauth.link.LinkStore;
import dev.reauth.link.LinkUnusable;
import dev.reauth.log.StructuredLog;
import dev.reauth.wire.Schema.Sessions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Re-auth links in the sessions table (its key is a string and its TTL deletes them): a link item
 * under {@code link#<SHA-256 of the token>}, and per account a pointer {@code link-account#<id>} naming
 * the current link's hash. Every use is a transaction that updates the link under its conditions and
 * checks the pointer still names it, so a new link or a revoke ends the old one even mid-flight.
 */
public final class DynamoLinkStore implements LinkStore {

    /** Key prefixes; a state hash is base64url without '#', so neither collides with a session's key. */
    public static final String LINK_PREFIX = "link#";

    public static final String POINTER_PREFIX = "link-account#";
    /** Attributes of a link item beyond the sessions' own names (account_id, account_name, created_at, expires_at, ttl). */
    public static final String STARTS = "starts";

    public static final String COMPLETIONS = "completions";
    public static final String SPENT_AT = "spent_at";
    /** On the pointer: the hash of the account's current link (absent once revoked), and when it was revoked. */
    public static final String LINK_HASH = "link_hash";

    public static final String REVOKED_AT = "revoked_at";
    /** On a link item: the account's token_version when it was issued (a later token write ends the link). */
    public static final String ISSUED_AT_VERSION = "issued_at_version";

    static final String START_CONDITION =
            "attribute_exists(#pk) AND #expiresAt > :now AND attribute_not_exists(#spentAt)" + " AND #starts < :max";
    static final String COMPLETION_CONDITION =
            "attribute_exists(#pk) AND #expiresAt > :now AND attribute_not_exists(#spentAt)"
                    + " AND #completions < :max AND (attribute_not_exists(#leaseEnd) OR #leaseEnd < :now)";
    static final String CURRENT_CONDITION = "#linkHash = :hash";

    private static final StructuredLog LOG = StructuredLog.of(DynamoLinkStore.class);

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoLinkStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void issue(LinkRecord link, Duration keepAfterExpiry) {
        AttributeValue ttl = n(link.expiresAt().plus(keepAfterExpiry).getEpochSecond());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Sessions.STATE_HASH, s(LINK_PREFIX + link.hash()));
        item.put(Sessions.ACCOUNT_ID, s(link.accountId()));
        item.put(Sessions.ACCOUNT_NAME, s(link.accountName()));
        item.put(Sessions.CREATED_AT, millis(link.createdAt()));
        item.put(Sessions.EXPIRES_AT, millis(link.expiresAt()));
        item.put(Sessions.TTL, ttl);
        item.put(STARTS, n(0));
        item.put(COMPLETIONS, n(0));
        link.issuedAtVersion().ifPresent(version -> item.put(ISSUED_AT_VERSION, n(version)));
        Map<String, AttributeValue> pointer = Map.of(
                Sessions.STATE_HASH,
                s(POINTER_PREFIX + link.accountId()),
                Sessions.ACCOUNT_ID,
                s(link.accountId()),
                LINK_HASH,
                s(link.hash()),
                Sessions.CREATED_AT,
                millis(link.createdAt()),
                Sessions.EXPIRES_AT,
                millis(link.expiresAt()),
                Sessions.TTL,
                ttl);
        try {
            dynamo.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder()
                            .put(p -> p.tableName(table)
                                    .item(item)
                                    .conditionExpression("attribute_not_exists(#pk)")
                                    .expressionAttributeNames(Map.of("#pk", Sessions.STATE_HASH)))
                            .build(),
                    TransactWriteItem.builder()
                            .put(p -> p.tableName(table).item(pointer))
                            .build()));
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table refused the new link", e);
        }
    }

    @Override
    public boolean revoke(String accountId, Instant now, Duration keepFor) {
        Map<String, AttributeValue> tombstone = Map.of(
                Sessions.STATE_HASH,
                s(POINTER_PREFIX + accountId),
                Sessions.ACCOUNT_ID,
                s(accountId),
                REVOKED_AT,
                millis(now),
                Sessions.TTL,
                n(now.plus(keepFor).getEpochSecond()));
        try {
            Map<String, AttributeValue> old = dynamo.putItem(
                            p -> p.tableName(table).item(tombstone).returnValues(ReturnValue.ALL_OLD))
                    .attributes();
            return old != null
                    && old.containsKey(LINK_HASH)
                    && instant(old, Sessions.EXPIRES_AT).map(now::isBefore).orElse(false);
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table is unavailable", e);
        }
    }

    @Override
    public Optional<LinkRecord> find(String hash) {
        try {
            Map<String, AttributeValue> item = get(LINK_PREFIX + hash);
            if (item.isEmpty()) {
                return Optional.empty();
            }
            String accountId = requiredString(item, Sessions.ACCOUNT_ID);
            Optional<String> current = string(get(POINTER_PREFIX + accountId), LINK_HASH);
            return Optional.of(new LinkRecord(
                    hash,
                    accountId,
                    requiredString(item, Sessions.ACCOUNT_NAME),
                    instant(item, Sessions.CREATED_AT).orElseThrow(),
                    instant(item, Sessions.EXPIRES_AT).orElseThrow(),
                    number(item, STARTS).orElse(0L),
                    number(item, COMPLETIONS).orElse(0L),
                    instant(item, SPENT_AT),
                    current.filter(hash::equals).isPresent(),
                    number(item, ISSUED_AT_VERSION).map(OptionalLong::of).orElse(OptionalLong.empty())));
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table is unavailable", e);
        }
    }

    @Override
    public void claimStart(LinkRecord link, Instant now, LinkSettings settings) {
        TransactWriteItem count = TransactWriteItem.builder()
                .update(u -> u.tableName(table)
                        .key(Map.of(Sessions.STATE_HASH, s(LINK_PREFIX + link.hash())))
                        .updateExpression("SET #starts = #starts + :one")
                        .conditionExpression(START_CONDITION)
                        .expressionAttributeNames(Map.of(
                                "#pk",
                                Sessions.STATE_HASH,
                                "#expiresAt",
                                Sessions.EXPIRES_AT,
                                "#spentAt",
                                SPENT_AT,
                                "#starts",
                                STARTS))
                        .expressionAttributeValues(
                                Map.of(":now", millis(now), ":max", n(settings.maxStarts()), ":one", n(1))))
                .build();
        transact(link, now, settings, count);
    }

    @Override
    public LinkClaim claimCompletion(LinkRecord link, Instant now, Duration lease, LinkSettings settings) {
        String leaseId = UUID.randomUUID().toString();
        TransactWriteItem hold = TransactWriteItem.builder()
                .update(u -> u.tableName(table)
                        .key(Map.of(Sessions.STATE_HASH, s(LINK_PREFIX + link.hash())))
                        .updateExpression(
                                "SET #completions = #completions + :one, #claimId = :claimId, #leaseEnd = :leaseEnd")
                        .conditionExpression(COMPLETION_CONDITION)
                        .expressionAttributeNames(Map.of(
                                "#pk",
                                Sessions.STATE_HASH,
                                "#expiresAt",
                                Sessions.EXPIRES_AT,
                                "#spentAt",
                                SPENT_AT,
                                "#completions",
                                COMPLETIONS,
                                "#claimId",
                                Sessions.CLAIM_ID,
                                "#leaseEnd",
                                Sessions.CLAIM_EXPIRES_AT))
                        .expressionAttributeValues(Map.of(
                                ":now",
                                millis(now),
                                ":max",
                                n(settings.maxCompletions()),
                                ":one",
                                n(1),
                                ":claimId",
                                s(leaseId),
                                ":leaseEnd",
                                millis(now.plus(lease)))))
                .build();
        transact(link, now, settings, hold);
        return new LinkClaim(link, leaseId);
    }

    /** The link update, together with the check that the account's pointer still names the link. */
    private void transact(LinkRecord link, Instant now, LinkSettings settings, TransactWriteItem update) {
        TransactWriteItem stillCurrent = TransactWriteItem.builder()
                .conditionCheck(c -> c.tableName(table)
                        .key(Map.of(Sessions.STATE_HASH, s(POINTER_PREFIX + link.accountId())))
                        .conditionExpression(CURRENT_CONDITION)
                        .expressionAttributeNames(Map.of("#linkHash", LINK_HASH))
                        .expressionAttributeValues(Map.of(":hash", s(link.hash()))))
                .build();
        try {
            dynamo.transactWriteItems(t -> t.transactItems(update, stillCurrent));
        } catch (TransactionCanceledException e) {
            // read the link again to say why: used, revoked, expired, exhausted; or held by a concurrent completion
            LinkStatus status = find(link.hash())
                    .map(found -> found.statusAt(now, settings))
                    .orElse(LinkStatus.UNKNOWN);
            if (status != LinkStatus.ACTIVE) {
                throw new LinkUnusable(status, link.accountName());
            }
            throw new ReauthException.SessionUsed(
                    "link_in_use", "Another step through this link is in progress: try again in a minute");
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table is unavailable", e);
        }
    }

    @Override
    public void spend(LinkClaim claim, Instant now) {
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(
                            Sessions.STATE_HASH, s(LINK_PREFIX + claim.link().hash())))
                    .updateExpression("SET #spentAt = :now REMOVE #claimId, #leaseEnd")
                    .conditionExpression("#claimId = :claimId")
                    .expressionAttributeNames(Map.of(
                            "#spentAt",
                            SPENT_AT,
                            "#claimId",
                            Sessions.CLAIM_ID,
                            "#leaseEnd",
                            Sessions.CLAIM_EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":now", millis(now), ":claimId", s(claim.leaseId()))));
        } catch (ConditionalCheckFailedException e) {
            // the lease ran out and another completion holds the link now: ours still spends it
            spendUnconditionally(claim, now);
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table is unavailable", e);
        }
    }

    private void spendUnconditionally(LinkClaim claim, Instant now) {
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(
                            Sessions.STATE_HASH, s(LINK_PREFIX + claim.link().hash())))
                    .updateExpression("SET #spentAt = if_not_exists(#spentAt, :now)")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#spentAt", SPENT_AT, "#pk", Sessions.STATE_HASH))
                    .expressionAttributeValues(Map.of(":now", millis(now))));
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table is unavailable", e);
        }
    }

    @Override
    public void release(LinkClaim claim) {
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(
                            Sessions.STATE_HASH, s(LINK_PREFIX + claim.link().hash())))
                    .updateExpression("REMOVE #claimId, #leaseEnd")
                    .conditionExpression("#claimId = :claimId")
                    .expressionAttributeNames(
                            Map.of("#claimId", Sessions.CLAIM_ID, "#leaseEnd", Sessions.CLAIM_EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":claimId", s(claim.leaseId()))));
        } catch (SdkException e) {
            // the lease ends by itself
            LOG.warn("link.release_failed", "errorType", e.getClass().getSimpleName());
        }
    }

    private Map<String, AttributeValue> get(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(
                        g -> g.tableName(table).consistentRead(true).key(Map.of(Sessions.STATE_HASH, s(key))))
                .item();
        return item == null ? Map.of() : item;
    }

    /** Whether a key of the sessions table belongs to a link or a link pointer (for tests and tools). */
    public static boolean isLinkKey(String key) {
        return List.of(LINK_PREFIX, POINTER_PREFIX).stream().anyMatch(key::startsWith);
    }
}
