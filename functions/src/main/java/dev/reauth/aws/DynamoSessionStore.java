package dev.reauth.aws;

import static dev.reauth.aws.Attributes.bool;
import static dev.reauth.aws.Attributes.instant;
import static dev.reauth.aws.Attributes.millis;
import static dev.reauth.aws.Attributes.n;
import static dev.reauth.aws.Attributes.number;
import static dev.reauth.aws.Attributes.requiredString;
import static dev.reauth.aws.Attributes.s;
import static dev.reauth.aws.Attributes.string;

import dev.reauth.domain.ClaimedSession;
import dev.reauth.domain.OAuthSession;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SessionIntent;
import dev.reauth.domain.SessionStore;
import dev.reauth.log.StructuredLog;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.wire.Schema.Sessions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * OAuth sessions in DynamoDB. A claim is a conditional update with a lease, so exactly one of any
 * number of concurrent callbacks holds a session, and a callback that dies frees it when the lease ends.
 */
public final class DynamoSessionStore implements SessionStore {

    private static final StructuredLog LOG = StructuredLog.of(DynamoSessionStore.class);

    static final String NEW_SESSION_CONDITION = "attribute_not_exists(#pk)";
    /** A name is free when nobody reserved it, or the add that did has expired. */
    static final String RESERVATION_CONDITION = "attribute_not_exists(#pk) OR #expiresAt <= :now";

    /** Claimable: exists, unexpired, unconsumed, and not held under an unexpired lease. */
    static final String CLAIM_CONDITION =
            "attribute_exists(#pk) AND #expiresAt > :now AND attribute_not_exists(#consumedAt)"
                    + " AND (attribute_not_exists(#leaseEnd) OR #leaseEnd < :now)";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration claimLease;

    public DynamoSessionStore(DynamoDbClient dynamo, String table, Duration claimLease) {
        this.dynamo = dynamo;
        this.table = table;
        this.claimLease = claimLease;
    }

    @Override
    public void create(OAuthSession session) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Sessions.STATE_HASH, s(session.stateHash()));
        item.put(Sessions.INTENT, s(session.intent().name()));
        item.put(Sessions.ACCOUNT_ID, s(session.accountId()));
        item.put(Sessions.ACCOUNT_NAME, s(session.accountName()));
        item.put(Sessions.MODE, s(session.mode().wire()));
        item.put(Sessions.CODE_VERIFIER, s(session.verifier().value()));
        item.put(Sessions.REDIRECT_URI, s(session.redirectUri()));
        session.initiator().ifPresent(principal -> item.put(Sessions.INITIATOR, s(principal)));
        item.put(Sessions.CREATED_AT, millis(session.createdAt()));
        item.put(Sessions.EXPIRES_AT, millis(session.expiresAt()));
        // TTL deletes up to two days late; one more day keeps replays answered 409 rather than "unknown"
        item.put(Sessions.TTL, n(session.expiresAt().plus(Duration.ofDays(1)).getEpochSecond()));
        item.put(Sessions.BASE_TOKEN_VERSION, n(session.baseTokenVersion()));
        item.put(Sessions.ALLOW_ACCOUNT_CHANGE, bool(session.allowAccountChange()));
        item.put(Sessions.ACCOUNT_REQUIRED_REAUTH, bool(session.accountRequiredReauth()));
        try {
            if (session.intent() == SessionIntent.ADD) {
                createWithNameReservation(session, item);
            } else {
                dynamo.putItem(p -> p.tableName(table)
                        .item(item)
                        .conditionExpression(NEW_SESSION_CONDITION)
                        .expressionAttributeNames(Map.of("#pk", Sessions.STATE_HASH)));
            }
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table is unavailable", e);
        }
    }

    /**
     * An add writes its session and a reservation of the name in one transaction, so of any number of
     * concurrent adds of one name exactly one gets a session. The reservation lives as long as the
     * session; the account-creating transaction checks it is still this session's.
     */
    private void createWithNameReservation(OAuthSession session, Map<String, AttributeValue> sessionItem) {
        Map<String, AttributeValue> reservation = Map.of(
                Sessions.STATE_HASH, s(Sessions.nameReservationKey(session.accountName())),
                Sessions.RESERVED_BY, s(session.stateHash()),
                Sessions.ACCOUNT_NAME, s(session.accountName()),
                Sessions.EXPIRES_AT, millis(session.expiresAt()),
                Sessions.TTL, sessionItem.get(Sessions.TTL));
        try {
            dynamo.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder()
                            .put(p -> p.tableName(table)
                                    .item(sessionItem)
                                    .conditionExpression(NEW_SESSION_CONDITION)
                                    .expressionAttributeNames(Map.of("#pk", Sessions.STATE_HASH)))
                            .build(),
                    TransactWriteItem.builder()
                            .put(p -> p.tableName(table)
                                    .item(reservation)
                                    .conditionExpression(RESERVATION_CONDITION)
                                    .expressionAttributeNames(
                                            Map.of("#pk", Sessions.STATE_HASH, "#expiresAt", Sessions.EXPIRES_AT))
                                    .expressionAttributeValues(Map.of(":now", millis(session.createdAt())))
                                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                            .build()));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (reasons.size() > 1
                    && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                String until = instant(
                                reasons.get(1).item() == null
                                        ? Map.of()
                                        : reasons.get(1).item(),
                                Sessions.EXPIRES_AT)
                        .map(at -> " (until " + at.truncatedTo(ChronoUnit.SECONDS) + " at the latest)")
                        .orElse("");
                throw new ReauthException.NameReserved("Another operator is adding an account named '"
                        + session.accountName() + "' right now" + until + "; list the accounts once they are done");
            }
            throw new ReauthException.DependencyFailed("The sessions table refused the new session", e);
        }
    }

    @Override
    public ClaimedSession claim(String stateHash, Instant now) {
        String claimId = UUID.randomUUID().toString();
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(u -> u.tableName(table)
                            .key(Map.of(Sessions.STATE_HASH, s(stateHash)))
                            .updateExpression("SET #claimId = :claimId, #leaseEnd = :leaseEnd")
                            .conditionExpression(CLAIM_CONDITION)
                            .expressionAttributeNames(Map.of(
                                    "#pk",
                                    Sessions.STATE_HASH,
                                    "#expiresAt",
                                    Sessions.EXPIRES_AT,
                                    "#consumedAt",
                                    Sessions.CONSUMED_AT,
                                    "#leaseEnd",
                                    Sessions.CLAIM_EXPIRES_AT,
                                    "#claimId",
                                    Sessions.CLAIM_ID))
                            .expressionAttributeValues(Map.of(
                                    ":now",
                                    millis(now),
                                    ":claimId",
                                    s(claimId),
                                    ":leaseEnd",
                                    millis(now.plus(claimLease))))
                            .returnValues(ReturnValue.ALL_NEW)
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                    .attributes();
            return new ClaimedSession(toSession(item), claimId);
        } catch (ConditionalCheckFailedException e) {
            throw whyNotClaimable(e.item(), now);
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table is unavailable", e);
        }
    }

    /** Explains a failed claim from the item as it was (DynamoDB returns it with the failure). */
    static ReauthException whyNotClaimable(Map<String, AttributeValue> old, Instant now) {
        if (old == null || old.isEmpty()) {
            return new ReauthException.InvalidRequest(
                    "invalid_state", "Unknown authorization session: start the re-authentication again");
        }
        if (old.containsKey(Sessions.CONSUMED_AT)) {
            return new ReauthException.SessionUsed("session_used", "This authorization was already completed");
        }
        if (instant(old, Sessions.EXPIRES_AT)
                .map(expiry -> !now.isBefore(expiry))
                .orElse(true)) {
            return new ReauthException.SessionExpired(
                    "This authorization session has expired: start the re-authentication again");
        }
        return new ReauthException.SessionUsed(
                "session_in_progress", "Another callback for this authorization is in progress");
    }

    @Override
    public void release(ClaimedSession claim) {
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(Sessions.STATE_HASH, s(claim.session().stateHash())))
                    .updateExpression("REMOVE #claimId, #leaseEnd")
                    .conditionExpression("#claimId = :claimId")
                    .expressionAttributeNames(
                            Map.of("#claimId", Sessions.CLAIM_ID, "#leaseEnd", Sessions.CLAIM_EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":claimId", s(claim.claimId()))));
        } catch (SdkException e) {
            // the lease ends by itself; the operator can retry after it
            LOG.warn(
                    "session.release_failed",
                    "errorType",
                    e.getClass().getSimpleName(),
                    "leaseSeconds",
                    claimLease.toSeconds());
        }
    }

    private static OAuthSession toSession(Map<String, AttributeValue> item) {
        return new OAuthSession(
                requiredString(item, Sessions.STATE_HASH),
                SessionIntent.valueOf(requiredString(item, Sessions.INTENT)),
                requiredString(item, Sessions.ACCOUNT_ID),
                requiredString(item, Sessions.ACCOUNT_NAME),
                AccountMode.fromWire(requiredString(item, Sessions.MODE)),
                new CodeVerifier(requiredString(item, Sessions.CODE_VERIFIER)),
                requiredString(item, Sessions.REDIRECT_URI),
                string(item, Sessions.INITIATOR),
                instant(item, Sessions.CREATED_AT).orElseThrow(),
                instant(item, Sessions.EXPIRES_AT).orElseThrow(),
                number(item, Sessions.BASE_TOKEN_VERSION).orElse(0L),
                flag(item, Sessions.ALLOW_ACCOUNT_CHANGE),
                flag(item, Sessions.ACCOUNT_REQUIRED_REAUTH));
    }

    private static boolean flag(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) && Boolean.TRUE.equals(item.get(name).bool());
    }
}
