package dev.reauth.it;

import static dev.reauth.wire.Schema.Accounts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.agent.DynamoAccountDirectory;
import dev.reauth.fleet.DynamoAccountTokensReader;
import dev.reauth.fleet.KmsTokenDecryptor;
import dev.reauth.fleet.TokenSource;
import dev.reauth.local.LambdaRuntimeEmulator;
import dev.reauth.local.RefreshGrants;
import dev.reauth.local.TemplateFunction;
import dev.reauth.recorder.AwsCall;
import dev.reauth.recorder.AwsCallRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The stack's IAM, key and topic policies, evaluated offline by a real policy evaluator against what the code
 * really asks of AWS: every function (in-process, and one under the Runtime Interface Emulator from the packaged
 * jar), the fleet library and the agent's directory run their paths once with every AWS call recorded; each call
 * must be allowed for the principal that made it (its role, or a role holding only FleetPolicy or the documented
 * agent policy), and every request of iam/deny-matrix.json denied. Two edited copies of the template prove the
 * checks fail, naming what is wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IamEvaluationIT {

    private static final Map<String, String> EXISTING_TABLE_UNDER_CMK = Map.of(
            "ExistingAccountsTableName", "fleet-accounts",
            "ExistingAccountsTableKmsKeyArn",
                    "arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee");

    private ReauthSystem system;
    private Path record;
    private Path runtimeRecord;
    private List<AwsCall> calls;

    /**
     * The link page's system, with room for a loaded build machine (the recording needs every login to succeed),
     * then every path run once with its AWS calls recorded.
     */
    @BeforeAll
    void startSystemAndRecord() {
        LogCapture.install();
        // revocation on, as the template's default: the callback opens the tokens a re-authentication replaces
        system = new ReauthSystem(
                null,
                Map.of(
                        "WEB_BASE_URL",
                        LinkSystemIT.WEB_BASE_URL,
                        "OAUTH_HTTP_TIMEOUT",
                        "PT37S",
                        "OAUTH_REVOKE_URL",
                        ReauthSystem.LOCAL_REVOKE_URL));
        try {
            recordEveryPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void recordEveryPath() throws IOException {
        record = Files.createTempFile("reauth-aws-calls-", ".jsonl");
        runtimeRecord = Files.createTempFile("reauth-aws-calls-rie-", ".jsonl");
        // its own record for the run's paths; the build's record (all ITs, RecordedCallsAllowedIT) resumes after
        String buildRecord = System.getProperty(AwsCallRecorder.RECORD);
        System.setProperty(AwsCallRecorder.RECORD, record.toString());
        try {
            runEveryPath();
        } finally {
            if (buildRecord == null) {
                System.clearProperty(AwsCallRecorder.RECORD);
            } else {
                System.setProperty(AwsCallRecorder.RECORD, buildRecord);
            }
        }
        runListUnderTheRuntimeEmulator();
        calls = new ArrayList<>(IamEvaluation.read(record));
        calls.addAll(IamEvaluation.read(runtimeRecord));
        Set<String> distinct = new TreeSet<>();
        calls.forEach(c -> distinct.add(c.caller() + " " + c.action() + " " + c.resource() + " " + c.context()));
        System.out.println("IAM: the AWS calls recorded\n" + String.join("\n", distinct));
    }

    @AfterAll
    void noSecretWasLogged_andTheRecordsAreGone() throws IOException {
        try {
            SystemIT.assertNoSecretsLogged(system.secrets());
        } finally {
            system.close();
            Files.deleteIfExists(record);
            Files.deleteIfExists(runtimeRecord);
        }
    }

    private void runEveryPath() {
        RefreshGrants grants = system.provider.refreshGrants();
        grants.accessTokenLifetime(Duration.ofMinutes(30)); // due within the refresher's lead window at once
        String due = system.liveAccount("iam-due"); // StartReauthFunction, CallbackFunction
        String dead = system.liveAccount("iam-dead");
        grants.accessTokenLifetime(Duration.ofHours(8));
        grants.revoke(system.decryptTokens(dead, system.account(dead)).refreshToken());
        system.runSchedule(); // RefreshFunction: refresh one, mark one dead and alert with a link
        system.refreshNow(due, null);
        LambdaResponse added = system.addAccount("{\"name\":\"iam-new\",\"mode\":\"max\"}");
        system.pasteCode(system.provider
                .authorize(ReauthSystem.authorizationUrl(added))
                .pasted()); // CallbackFunction creates the account
        system.reload(due);
        system.reloadByName("iam-due");
        system.pasteCode(system.startAndLogIn("iam-due").pasted()); // CallbackFunction revokes what it replaced
        system.listAccounts();
        String token = system.issuedLinkToken("iam-dead"); // WebFunction
        system.linkPage(token);
        LambdaResponse linkStarted = system.linkStart(token);
        system.linkComplete(
                token,
                system.provider
                        .authorize(ReauthSystem.json(linkStarted)
                                .path("authorizationUrl")
                                .asText())
                        .pasted());
        system.issueLink("iam-due");
        system.revokeLink("iam-due");
        AwsCallRecorder.as("FleetPolicy", () -> {
            var reader = new DynamoAccountTokensReader(system.aws.dynamo(), system.aws.accountsTable());
            var source = new TokenSource(
                    reader, new KmsTokenDecryptor(system.aws.kms()), Clock.systemUTC(), Duration.ofMinutes(5));
            source.tokens(due);
            return reader.versions(List.of(due, dead));
        });
        AwsCallRecorder.as(
                "AgentRole",
                () -> new DynamoAccountDirectory(
                                system.aws.dynamo(),
                                system.aws.accountsTable(),
                                system.environment.get("ACCOUNTS_NAME_INDEX"))
                        .byName("iam-due"));
    }

    /** ListAccountsFunction from the packaged jar, the recorder beside it in the task root. */
    private void runListUnderTheRuntimeEmulator() {
        Map<String, String> env = new HashMap<>(system.environment);
        env.put(AwsCallRecorder.RECORD, runtimeRecord.toString());
        env.put(AwsCallRecorder.CALLER, "ListAccountsFunction");
        try (LambdaRuntimeEmulator list =
                LambdaRuntimeEmulator.start(TemplateFunction.of("ListAccountsFunction", env, List.of()))) {
            String answer = list.invoke(ReauthSystem.event("list-accounts.json").toString());
            assertThat(answer).contains("iam-due");
        }
    }

    @Test
    void everyFunction_theFleetLibrary_andTheAgent_haveTheirCallsRecorded_underTheRuntimeEmulatorToo() {
        Set<String> callers = new TreeSet<>();
        calls.forEach(c -> callers.add(c.caller()));
        assertThat(callers)
                .containsAll(List.of(
                        "StartReauthFunction",
                        "CallbackFunction",
                        "RefreshFunction",
                        "ReloadFunction",
                        "ListAccountsFunction",
                        "WebFunction",
                        "FleetPolicy",
                        "AgentRole"));
        assertThat(IamEvaluation.read(runtimeRecord))
                .as("calls the function made in its own JVM under the Runtime Interface Emulator")
                .anySatisfy(c -> assertThat(c.action()).isEqualTo("dynamodb:Scan"));
        assertThat(calls)
                .as(
                        "the web function's account reads name their attributes, of %s",
                        calls.stream()
                                .filter(c -> c.caller().equals("WebFunction"))
                                .map(c -> c.action() + " " + c.resource())
                                .distinct()
                                .toList())
                .filteredOn(c -> c.caller().equals("WebFunction")
                        && c.action().equals("dynamodb:GetItem")
                        && c.resource().endsWith("/" + system.aws.accountsTable()))
                .isNotEmpty()
                .allSatisfy(c ->
                        assertThat(c.context().get("dynamodb:Attributes")).doesNotContain(Accounts.TOKEN_CIPHERTEXT));
    }

    @Test
    void everyRecordedCall_isAllowed_forThePrincipalThatMadeIt() {
        DeployedPolicies deployment = DeployedPolicies.project(Map.of());
        List<PolicyEvaluator.Request> requests = IamEvaluation.requests(deployment, calls, system.environment);
        System.out.println("IAM: actions used and granted per principal (template defaults)\n"
                + IamEvaluation.summary(deployment, requests));

        assertThat(IamEvaluation.refusedCalls(deployment, requests)).isEmpty();
    }

    @Test
    void everyRecordedCall_isAllowed_withAnExistingAccountsTableUnderACustomerManagedKey() {
        DeployedPolicies deployment = DeployedPolicies.project(EXISTING_TABLE_UNDER_CMK);
        List<PolicyEvaluator.Request> requests = IamEvaluation.requests(deployment, calls, system.environment);

        assertThat(requests).anySatisfy(r -> assertThat(r.context()).containsKey("kms:ViaService"));
        assertThat(IamEvaluation.refusedCalls(deployment, requests)).isEmpty();
    }

    @Test
    void theCallbackOpensTheTokensItReplaces_onlyWhileRevocationIsOn() {
        assertThat(calls)
                .as("the callback's read and decrypt of the replaced tokens were recorded")
                .anySatisfy(c -> assertThat(c.caller() + " " + c.action()).isEqualTo("CallbackFunction kms:Decrypt"))
                .anySatisfy(
                        c -> assertThat(c.caller() + " " + c.action()).isEqualTo("CallbackFunction dynamodb:GetItem"));
        // allowed under the template's defaults: everyRecordedCall_isAllowed_forThePrincipalThatMadeIt
        DeployedPolicies revocationOff = DeployedPolicies.project(Map.of("OAuthRevokeUrl", ""));
        List<String> refused = IamEvaluation.refusedCalls(
                revocationOff, IamEvaluation.requests(revocationOff, calls, system.environment));
        assertThat(refused)
                .as("with OAuthRevokeUrl empty the callback may not open tokens")
                .anySatisfy(line -> assertThat(line).startsWith("CallbackFunction kms:Decrypt"))
                .anySatisfy(line -> assertThat(line).startsWith("CallbackFunction dynamodb:GetItem"))
                .allSatisfy(line -> assertThat(line).startsWith("CallbackFunction "));
    }

    @Test
    void everyRequestOfTheDenyMatrix_isDenied() {
        assertThat(IamEvaluation.allowedForbidden(DeployedPolicies.project(Map.of()), IamEvaluation.denyMatrix()))
                .isEmpty();
        assertThat(IamEvaluation.allowedForbidden(
                        DeployedPolicies.project(EXISTING_TABLE_UNDER_CMK), IamEvaluation.denyMatrix()))
                .isEmpty();
    }

    @Test
    void withoutTheViaServiceStatement_aFunctionReadingTheAccountsTableUnderACustomerManagedKey_failsNamingTheCall() {
        ObjectNode template = ResolvedTemplate.projectTree();
        ArrayNode statements = (ArrayNode) template.path("Resources")
                .path("ReloadFunction")
                .path("Properties")
                .path("Policies")
                .get(0)
                .path("Statement");
        int removed = 0;
        for (int i = statements.size() - 1; i >= 0; i--) {
            if (statements.get(i).toString().contains("kms:ViaService")) {
                statements.remove(i);
                removed++;
            }
        }
        assertThat(removed)
                .as("ReloadFunction's through-DynamoDB key statement")
                .isEqualTo(1);
        DeployedPolicies deployment = DeployedPolicies.of(template, EXISTING_TABLE_UNDER_CMK);

        List<String> refused =
                IamEvaluation.refusedCalls(deployment, IamEvaluation.requests(deployment, calls, system.environment));

        assertThat(refused)
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("ReloadFunction kms:"))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("ReloadFunction kms:Decrypt on "
                                + EXISTING_TABLE_UNDER_CMK.get("ExistingAccountsTableKmsKeyArn"))
                        .contains("kms:ViaService=[dynamodb.eu-west-1.amazonaws.com]"));
    }

    @Test
    void grantingTokenReads_toTheWebFunction_failsTheDenyMatrix() {
        ObjectNode template = ResolvedTemplate.projectTree();
        ArrayNode statements = (ArrayNode) template.path("Resources")
                .path("WebFunction")
                .path("Properties")
                .path("Policies")
                .get(0)
                .path("Statement");
        ObjectNode grant = statements
                .addObject()
                .put("Sid", "ReadWholeAccounts")
                .put("Effect", "Allow")
                .put("Action", "dynamodb:GetItem");
        grant.putObject("Resource")
                .put(
                        "Fn::Sub",
                        "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${AccountsTable}");

        List<String> allowed =
                IamEvaluation.allowedForbidden(DeployedPolicies.of(template, Map.of()), IamEvaluation.denyMatrix());

        assertThat(allowed)
                .anySatisfy(line -> assertThat(line)
                        .startsWith("the web function reads token_ciphertext: WebFunction dynamodb:GetItem on "
                                + "arn:aws:dynamodb:eu-west-1:123456789012:table/")
                        .endsWith(": Allowed"));
    }
}
