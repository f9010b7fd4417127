package dev.reauth.aws;

import static dev.reauth.aws.Attributes.number;
import static dev.reauth.aws.Attributes.requiredString;
import static dev.reauth.aws.Attributes.s;
import static dev.reauth.aws.Attributes.string;

import dev.reauth.domain.Account;
import dev.reauth.domain.AccountDirectory;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.AccountName;
import dev.reauth.domain.AccountStatus;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.RefreshHealth;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.wire.Schema.Accounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Reads accounts from the fleet's table: by name through the name index, by id with a consistent
 * GetItem. Projects only the attributes re-authentication needs.
 */
public final class DynamoAccountDirectory implements AccountDirectory {

    private static final String PROJECTION = "#id, #name, #version, #mode, #apiKey, #reauth";
    private static final Map<String, String> NAMES = Map.of(
            "#id",
            Accounts.ID,
            "#name",
            Accounts.NAME,
            "#version",
            Accounts.TOKEN_VERSION,
            "#mode",
            Accounts.MODE,
            "#apiKey",
            Accounts.API_KEY,
            "#reauth",
            Accounts.REQUIRES_REAUTH);

    private static final String STATUS_PROJECTION =
            "#id, #name, #version, #mode, #apiKey, #expiresAt, #reauth, #updated,"
                    + " #pAccount, #pEmail, #pOrg, #pOrgName, #lastRefresh, #lastResult, #failures, #refreshes, #reason, #reasonAt,"
                    + " #attempt, #next, #leaseUntil, #alerts, #recentAlerts, #rtExpires, #onHold, #onHoldAt, #attention,"
                    + " #attentionAt, #uncertain, #rescue";

    // states other parts of the stack write; absent on items written before them
    static final String REFRESH_TOKEN_EXPIRES_AT = "refresh_token_expires_at";
    static final String ON_HOLD = "on_hold";
    static final String ON_HOLD_AT = "on_hold_at";
    static final String ATTENTION_REASON = "attention_reason";
    static final String ATTENTION_AT = "attention_at";
    static final String ROTATION_UNCERTAIN_AT = "rotation_uncertain_at";

    private static final Map<String, String> STATUS_NAMES = Map.ofEntries(
            Map.entry("#id", Accounts.ID),
            Map.entry("#name", Accounts.NAME),
            Map.entry("#version", Accounts.TOKEN_VERSION),
            Map.entry("#mode", Accounts.MODE),
            Map.entry("#apiKey", Accounts.API_KEY),
            Map.entry("#expiresAt", Accounts.EXPIRES_AT),
            Map.entry("#reauth", Accounts.REQUIRES_REAUTH),
            Map.entry("#updated", Accounts.TOKENS_UPDATED_AT),
            Map.entry("#pAccount", Accounts.PROVIDER_ACCOUNT_UUID),
            Map.entry("#pEmail", Accounts.PROVIDER_EMAIL),
            Map.entry("#pOrg", Accounts.PROVIDER_ORGANIZATION_UUID),
            Map.entry("#pOrgName", Accounts.PROVIDER_ORGANIZATION_NAME),
            Map.entry("#lastRefresh", Accounts.LAST_REFRESH_AT),
            Map.entry("#lastResult", Accounts.LAST_REFRESH_RESULT),
            Map.entry("#failures", Accounts.REFRESH_FAILURES),
            Map.entry("#refreshes", Accounts.REFRESH_COUNT),
            Map.entry("#reason", Accounts.REAUTH_REASON),
            Map.entry("#reasonAt", Accounts.REAUTH_REQUIRED_AT),
            Map.entry("#attempt", Accounts.LAST_REFRESH_ATTEMPT_AT),
            Map.entry("#next", Accounts.NEXT_REFRESH_AT),
            Map.entry("#leaseUntil", Accounts.REFRESH_LEASE_UNTIL),
            Map.entry("#alerts", Accounts.REFRESH_ALERTS),
            Map.entry("#recentAlerts", Accounts.RECENT_ALERTS),
            Map.entry("#rtExpires", REFRESH_TOKEN_EXPIRES_AT),
            Map.entry("#onHold", ON_HOLD),
            Map.entry("#onHoldAt", ON_HOLD_AT),
            Map.entry("#attention", ATTENTION_REASON),
            Map.entry("#attentionAt", ATTENTION_AT),
            Map.entry("#uncertain", ROTATION_UNCERTAIN_AT),
            Map.entry("#rescue", Accounts.RESCUE_PENDING_AT));

    private final DynamoDbClient dynamo;
    private final String table;
    private final String nameIndex;

    public DynamoAccountDirectory(DynamoDbClient dynamo, String table, String nameIndex) {
        this.dynamo = dynamo;
        this.table = table;
        this.nameIndex = nameIndex;
    }

    @Override
    public Optional<Account> findByName(AccountName name) {
        List<Map<String, AttributeValue>> items;
        try {
            items = dynamo.query(q -> q.tableName(table)
                            .indexName(nameIndex)
                            .keyConditionExpression("#name = :name")
                            .projectionExpression(PROJECTION)
                            .expressionAttributeNames(NAMES)
                            .expressionAttributeValues(Map.of(":name", s(name.value())))
                            .limit(2))
                    .items();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
        if (items.size() > 1) {
            throw new ReauthException.InvalidRequest(
                    "ambiguous_account", "More than one account is named '" + name.value() + "'; names must be unique");
        }
        return items.stream().findFirst().map(DynamoAccountDirectory::toAccount);
    }

    @Override
    public Optional<Account> findById(AccountId id) {
        Map<String, AttributeValue> item;
        try {
            item = dynamo.getItem(g -> g.tableName(table)
                            .key(Map.of(Accounts.ID, s(id.value())))
                            .consistentRead(true)
                            .projectionExpression(PROJECTION)
                            .expressionAttributeNames(NAMES))
                    .item();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toAccount(item));
    }

    @Override
    public List<AccountStatus> list() {
        List<AccountStatus> statuses = new ArrayList<>();
        try {
            // status attributes only: token_ciphertext is never read (api_key only to tell the mode)
            Map<String, AttributeValue> startKey = null;
            do {
                Map<String, AttributeValue> from = startKey;
                ScanResponse page = dynamo.scan(s -> s.tableName(table)
                        .projectionExpression(STATUS_PROJECTION)
                        .expressionAttributeNames(STATUS_NAMES)
                        .exclusiveStartKey(from));
                page.items().forEach(item -> statuses.add(toStatus(item)));
                startKey =
                        page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                                ? page.lastEvaluatedKey()
                                : null;
            } while (startKey != null);
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
        statuses.sort(Comparator.comparing(AccountStatus::name));
        return statuses;
    }

    private static AccountStatus toStatus(Map<String, AttributeValue> item) {
        return new AccountStatus(
                requiredString(item, Accounts.ID),
                requiredString(item, Accounts.NAME),
                modeOf(item),
                Attributes.instant(item, Accounts.EXPIRES_AT),
                requiresReauth(item),
                number(item, Accounts.TOKEN_VERSION).orElse(0L),
                Attributes.instant(item, Accounts.TOKENS_UPDATED_AT),
                identityOf(item),
                new RefreshHealth(
                        Attributes.instant(item, Accounts.LAST_REFRESH_AT),
                        string(item, Accounts.LAST_REFRESH_RESULT),
                        number(item, Accounts.REFRESH_FAILURES).orElse(0L),
                        number(item, Accounts.REFRESH_COUNT).orElse(0L),
                        string(item, Accounts.REAUTH_REASON),
                        Attributes.instant(item, Accounts.REAUTH_REQUIRED_AT),
                        Attributes.instant(item, Accounts.LAST_REFRESH_ATTEMPT_AT),
                        Attributes.instant(item, Accounts.NEXT_REFRESH_AT),
                        Attributes.instant(item, Accounts.REFRESH_LEASE_UNTIL),
                        AlertNotes.read(item),
                        Attributes.instant(item, REFRESH_TOKEN_EXPIRES_AT),
                        onHold(item),
                        string(item, ATTENTION_REASON),
                        Attributes.instant(item, ATTENTION_AT),
                        Attributes.instant(item, ROTATION_UNCERTAIN_AT),
                        Attributes.instant(item, Accounts.RESCUE_PENDING_AT)));
    }

    /** On hold while the flag is set; since on_hold_at when recorded (the epoch when not, which still reads "on hold"). */
    private static Optional<Instant> onHold(Map<String, AttributeValue> item) {
        AttributeValue flag = item.get(ON_HOLD);
        if (flag == null || !Boolean.TRUE.equals(flag.bool())) {
            return Optional.empty();
        }
        return Attributes.instant(item, ON_HOLD_AT).or(() -> Optional.of(Instant.EPOCH));
    }

    /** The recorded provider identity; an unreadable one (written by hand) is shown as none rather than failing the list. */
    static Optional<ProviderIdentity> identityOf(Map<String, AttributeValue> item) {
        try {
            return string(item, Accounts.PROVIDER_ACCOUNT_UUID)
                    .map(uuid -> new ProviderIdentity(
                            uuid,
                            string(item, Accounts.PROVIDER_EMAIL),
                            string(item, Accounts.PROVIDER_ORGANIZATION_UUID),
                            string(item, Accounts.PROVIDER_ORGANIZATION_NAME)));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private static Account toAccount(Map<String, AttributeValue> item) {
        return new Account(
                requiredString(item, Accounts.ID),
                requiredString(item, Accounts.NAME),
                modeOf(item),
                number(item, Accounts.TOKEN_VERSION).orElse(0L),
                requiresReauth(item));
    }

    private static boolean requiresReauth(Map<String, AttributeValue> item) {
        return Boolean.TRUE.equals(item.getOrDefault(Accounts.REQUIRES_REAUTH, AttributeValue.fromBool(false))
                .bool());
    }

    /** An explicit account_mode wins; otherwise, as in ccflare, holding an API key makes a console account. */
    static AccountMode modeOf(Map<String, AttributeValue> item) {
        Optional<String> explicit = string(item, Accounts.MODE);
        if (explicit.isPresent()) {
            try {
                return AccountMode.fromWire(explicit.get());
            } catch (IllegalArgumentException ignored) {
                // an unknown value falls through to the ccflare rule
            }
        }
        return string(item, Accounts.API_KEY).filter(key -> !key.isBlank()).isPresent()
                ? AccountMode.CONSOLE
                : AccountMode.MAX;
    }
}
