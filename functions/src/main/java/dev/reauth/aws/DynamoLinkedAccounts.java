package dev.reauth.aws;

import static dev.reauth.aws.Attributes.requiredString;
import static dev.reauth.aws.Attributes.s;

import dev.reauth.domain.ReauthException;
import dev.reauth.link.LinkedAccount;
import dev.reauth.link.LinkedAccounts;
import dev.reauth.wire.Schema.Accounts;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads an account's name and provider identity for a link's page: one GetItem, those attributes only. */
public final class DynamoLinkedAccounts implements LinkedAccounts {

    /** Exactly what the page needs; the web function's IAM policy allows no other attribute on GetItem. */
    static final String PROJECTION = "#id, #name, #tokenVersion, #pAccount, #pEmail, #pOrg, #pOrgName";

    private static final Map<String, String> NAMES = Map.of(
            "#id",
            Accounts.ID,
            "#name",
            Accounts.NAME,
            "#tokenVersion",
            Accounts.TOKEN_VERSION,
            "#pAccount",
            Accounts.PROVIDER_ACCOUNT_UUID,
            "#pEmail",
            Accounts.PROVIDER_EMAIL,
            "#pOrg",
            Accounts.PROVIDER_ORGANIZATION_UUID,
            "#pOrgName",
            Accounts.PROVIDER_ORGANIZATION_NAME);

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoLinkedAccounts(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<LinkedAccount> find(String accountId) {
        Map<String, AttributeValue> item;
        try {
            item = dynamo.getItem(g -> g.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .consistentRead(true)
                            .projectionExpression(PROJECTION)
                            .expressionAttributeNames(NAMES))
                    .item();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LinkedAccount(
                requiredString(item, Accounts.ID),
                requiredString(item, Accounts.NAME),
                DynamoAccountDirectory.identityOf(item),
                Attributes.number(item, Accounts.TOKEN_VERSION).orElse(0L)));
    }
}
