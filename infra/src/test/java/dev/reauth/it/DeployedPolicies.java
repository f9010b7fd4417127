package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.local.ProjectFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policies of one deployment as AWS sees them: template.yaml (or a copy) translated by the AWS SAM translator
 * (the SAM CLI's own, from .tools), then resolved for a fixed account, region and stack name. Holds each
 * principal's identity policies (every function role; a role holding only one of the template's managed
 * policies; the documented agent and operator policies of iam/documented-principals.json), and the resource
 * policies: key policies, topic policies and queue policies.
 */
final class DeployedPolicies {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)(\\.Arn)?}");
    static final String OUTSIDER = "Outsider";
    static final String OUTSIDER_ACCOUNT = "999999999999";

    private static final JsonNode DEFAULT_KEY_POLICY = JsonNodeFactory.instance
            .objectNode()
            .put("Version", "2012-10-17")
            .set(
                    "Statement",
                    JsonNodeFactory.instance
                            .arrayNode()
                            .add(JsonNodeFactory.instance
                                    .objectNode()
                                    .put("Sid", "Enable IAM User Permissions")
                                    .put("Effect", "Allow")
                                    .put("Action", "kms:*")
                                    .put("Resource", "*")
                                    .set(
                                            "Principal",
                                            JsonNodeFactory.instance
                                                    .objectNode()
                                                    .put(
                                                            "AWS",
                                                            "arn:aws:iam::" + ResolvedTemplate.ACCOUNT + ":root"))));

    /** Who makes a request: its ARN and its identity policies. */
    record Principal(String name, String arn, List<JsonNode> policies) {}

    private final ResolvedTemplate template;
    private final Map<String, Principal> principals = new LinkedHashMap<>();
    private final Map<String, JsonNode> resourcePolicies = new LinkedHashMap<>();

    private DeployedPolicies(ResolvedTemplate template) {
        this.template = template;
        Map<String, JsonNode> managed = new LinkedHashMap<>();
        template.resources().properties().forEach(r -> {
            JsonNode props = r.getValue().path("Properties");
            switch (r.getValue().path("Type").asText()) {
                case "AWS::IAM::ManagedPolicy" ->
                    managed.put(template.refValue(r.getKey()), props.path("PolicyDocument"));
                case "AWS::KMS::Key" -> resourcePolicies.put(template.arn(r.getKey()), props.path("KeyPolicy"));
                case "AWS::SNS::TopicPolicy" ->
                    ResolvedTemplate.list(props.path("Topics"))
                            .forEach(t -> resourcePolicies.put(t.asText(), props.path("PolicyDocument")));
                case "AWS::SQS::QueuePolicy" ->
                    ResolvedTemplate.list(props.path("Queues")).forEach(q -> {
                        String url = q.asText();
                        resourcePolicies.put(
                                "arn:aws:sqs:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":"
                                        + url.substring(url.lastIndexOf('/') + 1),
                                props.path("PolicyDocument"));
                    });
                default -> {}
            }
        });
        template.resources().properties().forEach(r -> {
            if (!"AWS::Lambda::Function".equals(r.getValue().path("Type").asText())) {
                return;
            }
            String roleArn = r.getValue().path("Properties").path("Role").asText();
            String roleId = roleArn.substring(roleArn.lastIndexOf('/') + 1 + ResolvedTemplate.STACK.length() + 1);
            principals.put(r.getKey(), new Principal(r.getKey(), roleArn, rolePolicies(roleId, managed)));
        });
        template.resources().properties().forEach(r -> {
            if ("AWS::IAM::ManagedPolicy".equals(r.getValue().path("Type").asText())) {
                principals.put(
                        r.getKey(),
                        new Principal(
                                r.getKey(),
                                "arn:aws:iam::" + ResolvedTemplate.ACCOUNT + ":role/proxy-with-" + r.getKey(),
                                List.of(managed.get(template.refValue(r.getKey())))));
            }
        });
        String tableKey = template.parameterOr("ExistingAccountsTableKmsKeyArn", "");
        if (!tableKey.isEmpty()) {
            // the existing table's key is not the stack's: its policy is the default one, which the docs require
            resourcePolicies.put(tableKey, DEFAULT_KEY_POLICY);
        }
        documented(managed);
        principals.put(
                OUTSIDER,
                new Principal(
                        OUTSIDER,
                        "arn:aws:iam::" + OUTSIDER_ACCOUNT + ":role/outsider",
                        List.of(JSON.createObjectNode()
                                .put("Version", "2012-10-17")
                                .set(
                                        "Statement",
                                        JSON.createArrayNode()
                                                .add(JSON.createObjectNode()
                                                        .put("Effect", "Allow")
                                                        .put("Action", "*")
                                                        .put("Resource", "*"))))));
    }

    /** The project's template.yaml for these parameter values (others at their defaults). */
    static DeployedPolicies project(Map<String, String> parameters) {
        return of(ResolvedTemplate.projectTree(), parameters);
    }

    /** A template tree (e.g. an edited copy of the project's), translated and resolved. */
    static DeployedPolicies of(ObjectNode samTemplate, Map<String, String> parameters) {
        return new DeployedPolicies(ResolvedTemplate.of(translate(samTemplate), parameters));
    }

    Map<String, Principal> principals() {
        return principals;
    }

    Principal principal(String name) {
        Principal principal = principals.get(name);
        if (principal == null) {
            throw new IllegalArgumentException("no principal " + name + " in this deployment: " + principals.keySet());
        }
        return principal;
    }

    /** The resource policy that governs {@code arn} (a key, topic or queue), or null. */
    JsonNode resourcePolicy(String arn) {
        return resourcePolicies.get(arn);
    }

    /**
     * The environment the deployment gives its functions (names and ARNs of its tables, key, topics and the
     * refresher's rescue queue): every function's variables, the shared ones as the first function has them.
     */
    Map<String, String> functionEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        principals.keySet().stream()
                .filter(template::creates)
                .map(function -> template.resource(function)
                        .path("Properties")
                        .path("Environment")
                        .path("Variables"))
                .forEach(vars -> vars.properties()
                        .forEach(v -> env.putIfAbsent(v.getKey(), v.getValue().asText())));
        return env;
    }

    ResolvedTemplate template() {
        return template;
    }

    /** {@code text} with ${LogicalId} (Ref) and ${LogicalId.Arn} replaced by this deployment's values. */
    String substitute(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "Region" -> ResolvedTemplate.REGION;
                case "Account" -> ResolvedTemplate.ACCOUNT;
                case "StackName" -> ResolvedTemplate.STACK;
                case "AccountsTable" ->
                    template.creates("AccountsTable")
                            ? template.arn("AccountsTable")
                            : "arn:aws:dynamodb:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":table/"
                                    + template.parameter("ExistingAccountsTableName");
                default -> m.group(2) != null ? template.arn(m.group(1)) : template.refValue(m.group(1));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private List<JsonNode> rolePolicies(String roleId, Map<String, JsonNode> managed) {
        JsonNode role = template.resource(roleId).path("Properties");
        List<JsonNode> policies = new ArrayList<>();
        ResolvedTemplate.list(role.path("Policies")).forEach(p -> policies.add(p.path("PolicyDocument")));
        for (JsonNode arn : ResolvedTemplate.list(role.path("ManagedPolicyArns"))) {
            if (managed.containsKey(arn.asText())) {
                policies.add(managed.get(arn.asText()));
            } else if (!arn.asText().startsWith("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")) {
                throw new IllegalStateException(
                        roleId + " holds " + arn.asText() + ", which the evaluation cannot read");
            }
        }
        template.resources().properties().forEach(r -> {
            JsonNode props = r.getValue().path("Properties");
            boolean attached = ResolvedTemplate.list(props.path("Roles")).stream()
                    .anyMatch(name -> name.asText().equals(template.refValue(roleId)));
            if (attached && r.getValue().path("Type").asText().matches("AWS::IAM::(Managed)?Policy")) {
                policies.add(props.path("PolicyDocument"));
            }
        });
        return policies;
    }

    /** The agent's and the operator's policies, as the docs tell users to write them. */
    private void documented(Map<String, JsonNode> managed) {
        try (InputStream in = DeployedPolicies.class.getResourceAsStream("/iam/documented-principals.json")) {
            JsonNode documented = JSON.readTree(substitute(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            documented.properties().forEach(p -> {
                List<JsonNode> policies = new ArrayList<>();
                for (JsonNode name : p.getValue().path("managedPolicies")) {
                    policies.add(managed.get(template.refValue(name.asText())));
                }
                ObjectNode own = JsonNodeFactory.instance.objectNode().put("Version", "2012-10-17");
                own.set("Statement", p.getValue().path("statements"));
                policies.add(own);
                principals.put(
                        p.getKey(),
                        new Principal(
                                p.getKey(),
                                "arn:aws:iam::" + ResolvedTemplate.ACCOUNT + ":role/" + p.getKey(),
                                policies));
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read iam/documented-principals.json", e);
        }
    }

    /** The SAM template as CloudFormation, by the AWS SAM translator that `sam deploy` uses. */
    static ObjectNode translate(ObjectNode samTemplate) {
        Path root = ProjectFiles.root();
        try {
            ScriptRun sam = ScriptRun.of("infra/sam", Map.of(), "--version"); // installs the SAM CLI when missing
            if (sam.exitCode() != 0) {
                throw new IllegalStateException("infra/sam cannot run: " + sam.screen());
            }
            Path python = root.resolve(".tools/sam-venv/bin/python");
            Process process = new ProcessBuilder(
                            python.toString(),
                            root.resolve("infra/iam-evaluator/translate.py").toString(),
                            ResolvedTemplate.REGION,
                            ResolvedTemplate.ACCOUNT,
                            ResolvedTemplate.STACK)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(JSON.writeValueAsBytes(samTemplate));
            }
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("the SAM translator refused the template (see its message above)");
            }
            return (ObjectNode) JSON.readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the SAM translator", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
