package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.recorder.AwsCall;
import dev.reauth.recorder.AwsCallRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every AWS call any principal made in this build's integration tests, evaluated by the real policy evaluator
 * against the template's policies: the functions (in-process, over the local API, under the Runtime Interface
 * Emulator), the fleet library as {@code FleetPolicy} and the agent (in-process and as its own process) as the
 * documented agent role. Failsafe runs it after every other IT (its own execution in infra/pom.xml), over the
 * files the recorder wrote under infra/target/aws-calls/BUILD/ (one per JVM); a refused call fails the build
 * naming its principal, action and resource. Prints, per principal, the actions used against those granted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordedCallsAllowedIT {

    /**
     * The emulator's names for the stack's resources (LocalStack's, the rescue queues and the stacks the CLI ITs
     * create), to the environment variable naming each in the deployment. Other names (an agent's own queue) stay
     * as recorded.
     */
    private static final Map<Pattern, String> EMULATOR_NAMES = Map.of(
            Pattern.compile("reauth-accounts-[0-9a-f]{8}"), "ACCOUNTS_TABLE",
            Pattern.compile("reauth-sessions-[0-9a-f]{8}"), "SESSIONS_TABLE",
            Pattern.compile("reauth-token-events-[0-9a-f]{8}"), "TOKEN_EVENTS_TOPIC_ARN",
            Pattern.compile("reauth-alerts-[0-9a-f]{8}"), "ALERTS_TOPIC_ARN",
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "TOKEN_KEY_ID",
            Pattern.compile("(reauth-)?rescue-.+"), "RESCUE_QUEUE_URL",
            Pattern.compile("reauth-cli-[0-9a-f]{8}|reauth-prod"), IamEvaluation.STACK_NAME);

    private static final Map<String, String> EXISTING_TABLE_UNDER_CMK = Map.of(
            "ExistingAccountsTableName", "fleet-accounts",
            "ExistingAccountsTableKmsKeyArn",
                    "arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee");

    private Path directory;
    private List<AwsCall> calls;

    @BeforeAll
    void readTheBuildsRecords() {
        String record = System.getProperty(AwsCallRecorder.RECORD);
        assumeTrue(record != null, "no REAUTH_AWS_CALL_RECORD: this JVM recorded nothing (run through failsafe)");
        directory = Path.of(record);
        calls = new ArrayList<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                files.filter(f -> f.getFileName().toString().matches("calls-\\d+\\.jsonl"))
                        .sorted()
                        .forEach(f -> calls.addAll(IamEvaluation.read(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assumeTrue(!calls.isEmpty(), "no IT of this run made an AWS call as a principal; nothing to evaluate");
        Set<String> principals = new TreeSet<>();
        calls.forEach(c -> principals.add(c.caller()));
        System.out.println("IAM: " + calls.size() + " recorded AWS calls of " + principals + " in " + directory);
    }

    @Test
    void everyCallRecordedInTheIntegrationTests_isAllowed_forThePrincipalThatMadeIt() throws IOException {
        DeployedPolicies deployment = DeployedPolicies.project(Map.of());
        List<PolicyEvaluator.Request> requests =
                IamEvaluation.requests(deployment, calls, RecordedCallsAllowedIT::variableOf);
        String summary = IamEvaluation.summary(deployment, requests);
        System.out.println("IAM: actions used (in every IT of this run) and granted per principal\n" + summary);
        Files.writeString(directory.resolve("iam-summary.txt"), summary);

        assertThat(IamEvaluation.refusedCalls(deployment, requests))
                .as("recorded calls the template's policies refuse")
                .isEmpty();
    }

    @Test
    void everyCallRecordedInTheIntegrationTests_isAllowed_withAnExistingAccountsTableUnderACustomerManagedKey() {
        DeployedPolicies deployment = DeployedPolicies.project(EXISTING_TABLE_UNDER_CMK);
        List<PolicyEvaluator.Request> requests =
                IamEvaluation.requests(deployment, calls, RecordedCallsAllowedIT::variableOf);

        assertThat(IamEvaluation.refusedCalls(deployment, requests))
                .as("recorded calls the template's policies refuse, accounts table under a customer managed key")
                .isEmpty();
    }

    @Test
    void withoutTheRefreshersRescueGrant_theRecordedRescueCallsAreRefused_andNamed() {
        assumeTrue(
                calls.stream()
                        .anyMatch(c -> c.caller().equals("RefreshFunction")
                                && c.action().equals("sqs:SendMessage")),
                "no IT of this run sent tokens to the rescue queue (TokenRescueIT, FaultInjectionIT do)");
        ObjectNode template = ResolvedTemplate.projectTree();
        ArrayNode statements = (ArrayNode) template.path("Resources")
                .path("RefreshFunction")
                .path("Properties")
                .path("Policies")
                .get(0)
                .path("Statement");
        int removed = 0;
        for (int i = statements.size() - 1; i >= 0; i--) {
            if (statements.get(i).path("Sid").asText().equals("RescueTokens")) {
                statements.remove(i);
                removed++;
            }
        }
        assertThat(removed).as("RefreshFunction's rescue queue statement").isEqualTo(1);
        DeployedPolicies deployment = DeployedPolicies.of(template, Map.of());

        List<String> refused = IamEvaluation.refusedCalls(
                deployment, IamEvaluation.requests(deployment, calls, RecordedCallsAllowedIT::variableOf));

        assertThat(refused)
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("RefreshFunction sqs:"))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("RefreshFunction sqs:SendMessage on arn:aws:sqs:" + ResolvedTemplate.REGION + ":"
                                + ResolvedTemplate.ACCOUNT + ":")
                        .contains("Denied"));
    }

    private static String variableOf(String recordedName) {
        return EMULATOR_NAMES.entrySet().stream()
                .filter(e -> e.getKey().matcher(recordedName).matches())
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }
}
