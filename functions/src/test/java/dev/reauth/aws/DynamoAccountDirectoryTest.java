package dev.reauth.aws;

import static dev.reauth.aws.DynamoSessionStoreTest.n;
import static dev.reauth.aws.DynamoSessionStoreTest.s;
import static dev.reauth.aws.RecordingDynamo.AWS_TEXT;
import static dev.reauth.aws.RecordingDynamo.assertPlaceholdersMatch;
import static dev.reauth.aws.RecordingDynamo.unreachable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.domain.Account;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.AccountName;
import dev.reauth.domain.AccountStatus;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.RefreshHealth;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.ProviderIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

class DynamoAccountDirectoryTest {

    private static final Map<String, AttributeValue> WORK = Map.of(
            "id",
            s("acct-1"),
            "name",
            s("work"),
            "token_version",
            n(7),
            "requires_reauth",
            AttributeValue.fromBool(true));

    private final RecordingDynamo dynamo = new RecordingDynamo();
    private final DynamoAccountDirectory directory = new DynamoAccountDirectory(dynamo, "accounts", "name-index");

    @Test
    void findByName_queriesTheNameIndex_forTwoAtMost_projectingWhatReauthenticationNeeds() {
        dynamo.then(QueryResponse.builder().items(WORK).build());

        Optional<Account> found = directory.findByName(new AccountName("work"));

        assertThat(found).contains(new Account("acct-1", "work", AccountMode.MAX, 7, true));
        QueryRequest query = dynamo.only(QueryRequest.class);
        assertThat(query.tableName()).isEqualTo("accounts");
        assertThat(query.indexName()).isEqualTo("name-index");
        assertThat(query.keyConditionExpression()).isEqualTo("#name = :name");
        assertThat(query.expressionAttributeValues()).isEqualTo(Map.of(":name", s("work")));
        assertThat(query.projectionExpression()).isEqualTo("#id, #name, #version, #mode, #apiKey, #reauth");
        assertThat(query.expressionAttributeNames())
                .isEqualTo(Map.of(
                        "#id",
                        "id",
                        "#name",
                        "name",
                        "#version",
                        "token_version",
                        "#mode",
                        "account_mode",
                        "#apiKey",
                        "api_key",
                        "#reauth",
                        "requires_reauth"));
        assertThat(query.limit()).isEqualTo(2);
        assertPlaceholdersMatch(
                query.expressionAttributeNames(),
                query.expressionAttributeValues(),
                query.keyConditionExpression(),
                query.projectionExpression());
    }

    @Test
    void findByName_withTwoAccountsOfThatName_isRefusedAsAmbiguous() {
        dynamo.then(QueryResponse.builder()
                .items(WORK, Map.of("id", s("acct-2"), "name", s("work")))
                .build());

        assertThatThrownBy(() -> directory.findByName(new AccountName("work")))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .satisfies(e -> assertThat(((ReauthException) e).error()).isEqualTo("ambiguous_account"));
    }

    @Test
    void findByName_noMatch_isEmpty() {
        assertThat(directory.findByName(new AccountName("nobody"))).isEmpty();
    }

    @Test
    void findById_isAConsistentGetItem() {
        dynamo.then(GetItemResponse.builder()
                .item(Map.of("id", s("acct-1"), "name", s("billing"), "api_key", s("sk-ant-api03")))
                .build());

        Optional<Account> found = directory.findById(new AccountId("acct-1"));

        // ccflare's rule: an account holding an API key is a console account; no version yet is 0
        assertThat(found).contains(new Account("acct-1", "billing", AccountMode.CONSOLE, 0, false));
        GetItemRequest get = dynamo.only(GetItemRequest.class);
        assertThat(get.key()).isEqualTo(Map.of("id", s("acct-1")));
        assertThat(get.consistentRead()).isTrue();
        assertPlaceholdersMatch(get.expressionAttributeNames(), Map.of(), get.projectionExpression());
        assertThat(directory.findById(new AccountId("missing"))).isEmpty();
    }

    @Test
    void mode_anExplicitAccountModeWins_andAnUnknownOneFallsBackToTheApiKeyRule() {
        assertThat(DynamoAccountDirectory.modeOf(Map.of("account_mode", s("console"))))
                .isEqualTo(AccountMode.CONSOLE);
        assertThat(DynamoAccountDirectory.modeOf(Map.of("account_mode", s("max"), "api_key", s("k"))))
                .isEqualTo(AccountMode.MAX);
        assertThat(DynamoAccountDirectory.modeOf(Map.of("account_mode", s("weird"), "api_key", s("k"))))
                .isEqualTo(AccountMode.CONSOLE);
        assertThat(DynamoAccountDirectory.modeOf(Map.of("api_key", s(" ")))).isEqualTo(AccountMode.MAX);
    }

    @Test
    void list_scansEveryPage_neverReadingTokenMaterial_andSortsByName() {
        Map<String, AttributeValue> lastKey = Map.of("id", s("acct-z"));
        dynamo.then(ScanResponse.builder()
                        .items(Map.of("id", s("acct-z"), "name", s("zeta")))
                        .lastEvaluatedKey(lastKey)
                        .build())
                .then(ScanResponse.builder()
                        .items(Map.ofEntries(
                                Map.entry("id", s("acct-1")),
                                Map.entry("name", s("alpha")),
                                Map.entry("token_version", n(4)),
                                Map.entry("expires_at", n(1_795_751_760_000L)),
                                Map.entry("tokens_updated_at", n(1_795_722_960_000L)),
                                Map.entry("provider_account_uuid", s("uuid-a")),
                                Map.entry("provider_email", s("a@example.com")),
                                Map.entry("last_refresh_at", n(1_795_722_000_000L)),
                                Map.entry("last_refresh_result", s("ok")),
                                Map.entry("refresh_failures", n(0)),
                                Map.entry("refresh_count", n(12))))
                        .build());

        List<AccountStatus> statuses = directory.list();

        assertThat(statuses).extracting(AccountStatus::name).containsExactly("alpha", "zeta");
        assertThat(statuses.getFirst())
                .isEqualTo(new AccountStatus(
                        "acct-1",
                        "alpha",
                        AccountMode.MAX,
                        Optional.of(Instant.ofEpochMilli(1_795_751_760_000L)),
                        false,
                        4,
                        Optional.of(Instant.ofEpochMilli(1_795_722_960_000L)),
                        Optional.of(new ProviderIdentity(
                                "uuid-a", Optional.of("a@example.com"), Optional.empty(), Optional.empty())),
                        new RefreshHealth(
                                Optional.of(Instant.ofEpochMilli(1_795_722_000_000L)),
                                Optional.of("ok"),
                                0,
                                12,
                                Optional.empty(),
                                Optional.empty())));
        List<ScanRequest> scans = dynamo.all(ScanRequest.class);
        assertThat(scans).hasSize(2);
        assertThat(scans.get(0).exclusiveStartKey()).isEmpty();
        assertThat(scans.get(1).exclusiveStartKey()).isEqualTo(lastKey);
        ScanRequest scan = scans.getFirst();
        assertPlaceholdersMatch(scan.expressionAttributeNames(), Map.of(), scan.projectionExpression());
        assertThat(RecordingDynamo.attributesNamed(scan.expressionAttributeNames(), scan.projectionExpression()))
                .doesNotContain("token_ciphertext")
                .contains("api_key", "provider_account_uuid", "reauth_reason");
    }

    @Test
    void everyRead_ofAnUnreachableTable_isADependencyFailure() {
        dynamo.then(unreachable()).then(unreachable()).then(unreachable());

        assertThatThrownBy(() -> directory.findByName(new AccountName("work")))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
        assertThatThrownBy(() -> directory.findById(new AccountId("acct-1")))
                .isInstanceOf(ReauthException.DependencyFailed.class);
        assertThatThrownBy(directory::list).isInstanceOf(ReauthException.DependencyFailed.class);
    }
}
