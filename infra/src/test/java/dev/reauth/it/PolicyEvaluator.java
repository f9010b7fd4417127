package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Asks @cloud-copilot/iam-simulate (test-time only: AGPL-3.0; installed and patched into .tools by
 * infra/iam-evaluator/install) whether AWS would allow requests, with the principal's identity policies and the
 * resource's policy together. Never evaluates a policy itself.
 */
final class PolicyEvaluator {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request to evaluate: who, what, on what, with which condition keys. */
    record Request(
            DeployedPolicies.Principal principal, String action, String resource, Map<String, List<String>> context) {}

    /** The evaluator's answer: Allowed, ImplicitlyDenied, ExplicitlyDenied, or Error (with its errors). */
    record Verdict(Request request, String result, List<String> ignoredContextKeys, String errors) {
        boolean allowed() {
            return result.equals("Allowed");
        }
    }

    private PolicyEvaluator() {}

    static List<Verdict> evaluate(DeployedPolicies deployment, List<Request> requests) {
        return evaluate(deployment::resourcePolicy, requests);
    }

    /**
     * The global keys AWS sets from the caller itself, which the topic and key policies condition on: its
     * ARN and account, and the key-user tag the stack's function roles carry (template Globals) and the
     * docs tell operators to put on proxy and agent roles. An outsider carries no tag.
     */
    private static Map<String, List<String>> principalContext(DeployedPolicies.Principal principal) {
        String arn = principal.arn();
        String account = arn.split(":")[4];
        Map<String, List<String>> keys = new java.util.LinkedHashMap<>();
        keys.put("aws:PrincipalArn", List.of(arn));
        keys.put("aws:PrincipalAccount", List.of(account));
        if (!principal.name().equals(DeployedPolicies.OUTSIDER)) {
            keys.put("aws:PrincipalTag/reauth-key-user", List.of(ResolvedTemplate.STACK));
        }
        return keys;
    }

    /** Evaluates with the resource policies {@code resourcePolicies} gives by ARN (null: none). */
    static List<Verdict> evaluate(Function<String, JsonNode> resourcePolicies, List<Request> requests) {
        ArrayNode input = JSON.createArrayNode();
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            ObjectNode item = input.addObject()
                    .put("id", i)
                    .put("principal", r.principal().arn())
                    .put("action", r.action())
                    .put("resource", r.resource())
                    .put("resourceAccount", ResolvedTemplate.ACCOUNT);
            ObjectNode context = item.putObject("context");
            principalContext(r.principal()).forEach((k, v) -> context.set(k, JSON.valueToTree(v)));
            r.context().forEach((k, v) -> context.set(k, JSON.valueToTree(v)));
            ArrayNode policies = item.putArray("identityPolicies");
            int n = 0;
            for (JsonNode policy : r.principal().policies()) {
                policies.addObject()
                        .put("name", r.principal().name() + "-" + n++)
                        .set("policy", policy);
            }
            JsonNode resourcePolicy = resourcePolicies.apply(r.resource());
            if (resourcePolicy != null) {
                item.set("resourcePolicy", resourcePolicy);
            }
        }
        JsonNode answers = run(input);
        List<Verdict> verdicts = new ArrayList<>();
        for (JsonNode answer : answers) {
            List<String> ignored = new ArrayList<>();
            answer.path("ignoredContextKeys").forEach(k -> ignored.add(k.asText()));
            verdicts.add(new Verdict(
                    requests.get(answer.path("id").asInt()),
                    answer.path("result").asText(),
                    ignored,
                    answer.has("errors") ? answer.get("errors").toString() : ""));
        }
        return verdicts;
    }

    private static JsonNode run(ArrayNode input) {
        ScriptRun install = ScriptRun.of("infra/iam-evaluator/install", Map.of());
        if (install.exitCode() != 0) {
            throw new IllegalStateException("infra/iam-evaluator/install failed: " + install.screen());
        }
        Path dir = Path.of(install.stdout().strip());
        try {
            Path in = Files.createTempFile("reauth-iam-", ".json");
            Path out = Files.createTempFile("reauth-iam-", ".out");
            try {
                JSON.writeValue(in.toFile(), input);
                Process node = new ProcessBuilder(
                                "node", dir.resolve("evaluate.cjs").toString())
                        .directory(dir.toFile())
                        .redirectInput(in.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                if (!node.waitFor(5, TimeUnit.MINUTES) || node.exitValue() != 0) {
                    node.destroy();
                    throw new IllegalStateException("the IAM evaluator failed (see its message above)");
                }
                return JSON.readTree(out.toFile());
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the IAM evaluator", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One line naming the request, for a failure message; never a secret (requests hold names and ARNs only). */
    static String describe(Verdict v) {
        return v.request().principal().name() + " " + v.request().action() + " on "
                + v.request().resource()
                + (v.request().context().isEmpty() ? "" : " with " + v.request().context()) + ": " + v.result()
                + (v.ignoredContextKeys().isEmpty() ? "" : " (evaluator ignored " + v.ignoredContextKeys() + ")")
                + (v.errors().isEmpty() ? "" : " " + v.errors());
    }
}
