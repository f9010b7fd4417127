package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.recorder.AwsCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The recorded AWS calls and the deny matrix, put to a deployment's policies: every call must be allowed for the
 * principal that made it, every matrix entry denied. Recorded names (the emulator's tables, key and topics) are
 * mapped onto the deployment's; with an accounts table under a customer managed key, each call on it adds the
 * KMS calls DynamoDB makes on the caller's behalf (kms:ViaService dynamodb.REGION.amazonaws.com).
 */
final class IamEvaluation {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TABLE_WRITES =
            Set.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem");
    /** The environment variables naming what the recorded calls touched, in the emulator and in the deployment. */
    private static final List<String> NAMED_RESOURCES = List.of(
            "ACCOUNTS_TABLE",
            "SESSIONS_TABLE",
            "TOKEN_KEY_ID",
            "TOKEN_EVENTS_TOPIC_ARN",
            "ALERTS_TOPIC_ARN",
            "RESCUE_QUEUE_URL");

    /** What {@code variableOf} answers for a recorded stack name: the deployment's stack. */
    static final String STACK_NAME = "AWS::StackName";

    private IamEvaluation() {}

    /** The calls a recorder wrote (only a principal's: a test's own calls are not recorded). */
    static List<AwsCall> read(Path record) {
        List<AwsCall> calls = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(record)) {
                JsonNode call = JSON.readTree(line);
                Map<String, List<String>> context = new LinkedHashMap<>();
                call.path("context").properties().forEach(k -> {
                    List<String> values = new ArrayList<>();
                    k.getValue().forEach(v -> values.add(v.asText()));
                    context.put(k.getKey(), values);
                });
                calls.add(new AwsCall(
                        call.path("caller").asText(),
                        call.path("action").asText(),
                        call.path("resource").asText(),
                        context));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the recorded calls " + record, e);
        }
        return calls;
    }

    /** Each recorded call as the deployment would receive it (names mapped), with DynamoDB's calls on a table key. */
    static List<PolicyEvaluator.Request> requests(
            DeployedPolicies deployment, List<AwsCall> calls, Map<String, String> recordedEnvironment) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String variable : NAMED_RESOURCES) {
            variables.put(lastName(recordedEnvironment.get(variable)), variable);
        }
        return requests(deployment, calls, recorded -> variables.get(recorded));
    }

    /**
     * Each recorded call as the deployment would receive it: {@code variableOf} names, for a recorded resource name
     * (a table, key id, topic or queue name), the environment variable that names it in the deployment (null: the
     * name stays as recorded).
     */
    static List<PolicyEvaluator.Request> requests(
            DeployedPolicies deployment, List<AwsCall> calls, Function<String, String> variableOf) {
        Map<String, String> deployed = deployment.functionEnvironment();
        Function<String, String> names = recorded -> {
            String variable = recorded.equals("{from-ciphertext}") ? "TOKEN_KEY_ID" : variableOf.apply(recorded);
            if (variable == null) {
                return recorded;
            }
            return variable.equals(STACK_NAME) ? ResolvedTemplate.STACK : lastName(deployed.get(variable));
        };
        String tableKey = deployment.template().parameterOr("ExistingAccountsTableKmsKeyArn", "");
        String accountsTable = deployed.get("ACCOUNTS_TABLE");
        List<PolicyEvaluator.Request> requests = new ArrayList<>();
        for (AwsCall call : calls) {
            DeployedPolicies.Principal principal = deployment.principal(call.caller());
            String resource = mapped(call.resource(), names);
            requests.add(new PolicyEvaluator.Request(principal, call.action(), resource, call.context()));
            boolean onAccountsTable =
                    resource.matches(".*:table/" + java.util.regex.Pattern.quote(accountsTable) + "(/.*)?");
            if (!tableKey.isEmpty() && call.action().startsWith("dynamodb:") && onAccountsTable) {
                List<String> actions = new ArrayList<>(List.of("kms:Decrypt", "kms:DescribeKey"));
                if (TABLE_WRITES.contains(call.action())) {
                    actions.addAll(List.of("kms:Encrypt", "kms:GenerateDataKey"));
                }
                Map<String, List<String>> via = Map.of(
                        "kms:ViaService", List.of("dynamodb." + ResolvedTemplate.REGION + ".amazonaws.com"),
                        "kms:CallerAccount", List.of(ResolvedTemplate.ACCOUNT));
                Map<String, List<String>> withContext = new LinkedHashMap<>(via);
                withContext.put("kms:EncryptionContext:aws:dynamodb:tableName", List.of(accountsTable));
                withContext.put("kms:EncryptionContext:aws:dynamodb:subscriberId", List.of(ResolvedTemplate.ACCOUNT));
                // DescribeKey carries no encryption context; the cryptographic calls carry DynamoDB's
                actions.forEach(a -> requests.add(new PolicyEvaluator.Request(
                        principal, a, tableKey, a.equals("kms:DescribeKey") ? via : withContext)));
            }
        }
        return requests;
    }

    /** One line per call the deployment would refuse, naming the principal, action and resource; empty when all pass. */
    static List<String> refusedCalls(DeployedPolicies deployment, List<PolicyEvaluator.Request> requests) {
        List<String> refused = new ArrayList<>();
        for (PolicyEvaluator.Verdict v : PolicyEvaluator.evaluate(deployment, dedupe(requests))) {
            if (!v.allowed() || !v.ignoredContextKeys().isEmpty()) {
                refused.add(PolicyEvaluator.describe(v));
            }
        }
        return refused;
    }

    /** One deny-matrix entry: principals that must not make this request. */
    record Forbidden(
            String why, List<String> principals, String action, String resource, Map<String, List<String>> context) {}

    static List<Forbidden> denyMatrix() {
        try (InputStream in = IamEvaluation.class.getResourceAsStream("/iam/deny-matrix.json")) {
            List<Forbidden> entries = new ArrayList<>();
            for (JsonNode entry : JSON.readTree(in).path("entries")) {
                List<String> principals = new ArrayList<>();
                ResolvedTemplate.list(entry.path("principal")).forEach(p -> principals.add(p.asText()));
                Map<String, List<String>> context = new LinkedHashMap<>();
                entry.path("context").properties().forEach(k -> {
                    List<String> values = new ArrayList<>();
                    ResolvedTemplate.list(k.getValue()).forEach(v -> values.add(v.asText()));
                    context.put(k.getKey(), values);
                });
                entries.add(new Forbidden(
                        entry.path("why").asText(),
                        principals,
                        entry.path("action").asText(),
                        entry.path("resource").asText(),
                        context));
            }
            return entries;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read iam/deny-matrix.json", e);
        }
    }

    /** One line per deny-matrix request the deployment allows; empty when every one is denied. */
    static List<String> allowedForbidden(DeployedPolicies deployment, List<Forbidden> matrix) {
        List<PolicyEvaluator.Request> requests = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Forbidden f : matrix) {
            for (String principal : f.principals()) {
                requests.add(new PolicyEvaluator.Request(
                        deployment.principal(principal), f.action(), deployment.substitute(f.resource()), f.context()));
                reasons.add(f.why());
            }
        }
        List<String> allowed = new ArrayList<>();
        List<PolicyEvaluator.Verdict> verdicts = PolicyEvaluator.evaluate(deployment, requests);
        for (int i = 0; i < verdicts.size(); i++) {
            PolicyEvaluator.Verdict v = verdicts.get(i);
            if (!v.result().endsWith("Denied") || !v.ignoredContextKeys().isEmpty()) {
                allowed.add(reasons.get(i) + ": " + PolicyEvaluator.describe(v));
            }
        }
        return allowed;
    }

    /** Per principal: the actions its recorded calls used, and the actions its policies grant that none used. */
    static String summary(DeployedPolicies deployment, List<PolicyEvaluator.Request> requests) {
        Map<String, Set<String>> used = new TreeMap<>();
        requests.forEach(r ->
                used.computeIfAbsent(r.principal().name(), k -> new TreeSet<>()).add(r.action()));
        StringBuilder out = new StringBuilder();
        for (var principal : deployment.principals().values()) {
            Set<String> granted = new TreeSet<>();
            for (JsonNode policy : principal.policies()) {
                for (JsonNode statement : ResolvedTemplate.list(policy.path("Statement"))) {
                    if (IamPrincipals.allows(statement)) {
                        granted.addAll(IamPrincipals.actions(statement));
                    }
                }
            }
            Set<String> mine = used.getOrDefault(principal.name(), Set.of());
            Set<String> unused = new TreeSet<>(granted);
            unused.removeIf(g -> mine.stream().anyMatch(u -> IamPrincipals.matches(g, u, true)));
            out.append(String.format(
                    "%-22s used %s%n%-22s granted, never used: %s%n", principal.name(), mine, "", unused));
        }
        return out.toString();
    }

    private static List<PolicyEvaluator.Request> dedupe(List<PolicyEvaluator.Request> requests) {
        Map<String, PolicyEvaluator.Request> unique = new LinkedHashMap<>();
        requests.forEach(r -> unique.putIfAbsent(
                r.principal().name() + " " + r.action() + " " + r.resource() + " " + new TreeMap<>(r.context()), r));
        return new ArrayList<>(unique.values());
    }

    private static String mapped(String resource, Function<String, String> names) {
        String arn =
                resource.replace("{region}", ResolvedTemplate.REGION).replace("{account}", ResolvedTemplate.ACCOUNT);
        int separator = Math.max(arn.lastIndexOf(':'), arn.indexOf('/'));
        String prefix = arn.substring(0, separator + 1);
        String rest = arn.substring(separator + 1);
        String name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        String tail = rest.substring(name.length());
        return prefix + names.apply(name) + tail;
    }

    private static String lastName(String arnOrName) {
        if (arnOrName == null) {
            return "";
        }
        int cut = Math.max(arnOrName.lastIndexOf(':'), arnOrName.lastIndexOf('/'));
        return arnOrName.substring(cut + 1);
    }
}
