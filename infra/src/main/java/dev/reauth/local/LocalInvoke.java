package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code sam local invoke} without Docker: runs one function of template.yaml from the packaged jar
 * under the Runtime Interface Emulator, posts an event file to it and prints the response, with
 * the environment of a running {@code infra/local-run --serve} (or an --env-file). Every mistake
 * (a function the template lacks, a missing event, a stopped stack) is one line and a non-zero exit.
 */
public final class LocalInvoke {

    static final Path DEFAULT_ENV_FILE = Path.of(".tools", "local-stack.env");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Exit codes: 0 the function answered (below 500), 1 it failed or could not run, 2 usage. */
    private static final int OK = 0;

    private static final int FAILED = 1;
    private static final int USAGE = 2;

    /** A mistake reported in one line, with the exit code. */
    static final class Refusal extends RuntimeException {
        final int exitCode;

        Refusal(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    private LocalInvoke() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return invoke(args, out, err);
        } catch (Refusal refusal) {
            err.println("infra/invoke: " + refusal.getMessage());
            return refusal.exitCode;
        } catch (RuntimeException | IOException e) {
            err.println("infra/invoke: the function could not be run: " + firstLine(e.getMessage()));
            return FAILED;
        }
    }

    private static int invoke(String[] args, PrintStream out, PrintStream err) throws IOException {
        List<String> functions = templateFunctions();
        List<String> positional = new ArrayList<>();
        Path envFile = ProjectFiles.root().resolve(DEFAULT_ENV_FILE);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    out.print(usage(functions));
                    return OK;
                }
                case "--env-file" -> {
                    if (i + 1 >= args.length) {
                        throw usageError("--env-file needs a file", functions);
                    }
                    envFile = Path.of(args[++i]);
                }
                default -> {
                    if (args[i].startsWith("-")) {
                        throw usageError("unknown option " + args[i], functions);
                    }
                    positional.add(args[i]);
                }
            }
        }
        if (positional.size() != 2) {
            throw usageError("give a FUNCTION and an EVENT_FILE", functions);
        }
        String function = positional.get(0);
        if (!functions.contains(function)) {
            throw new Refusal(
                    USAGE,
                    "template.yaml has no function " + function + didYouMean(function, functions) + "; its functions: "
                            + String.join(", ", functions));
        }
        String event = readEvent(Path.of(positional.get(1)));
        Map<String, String> env = readEnvironment(envFile);

        try (LambdaRuntimeEmulator emulator =
                LambdaRuntimeEmulator.start(TemplateFunction.of(function, env, List.of()))) {
            long started = System.nanoTime();
            String response = emulator.invoke(event);
            long millis = (System.nanoTime() - started) / 1_000_000;
            emulator.output().lines().filter(line -> line.startsWith("{")).forEach(err::println);
            JsonNode json = JSON.readTree(response);
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
            err.println("(cold start + invoke: " + millis + " ms)");
            if (json.has("errorType")) {
                throw new Refusal(
                        FAILED, "the function failed (" + json.path("errorType").asText() + ")");
            }
            int status = json.path("statusCode").asInt(200);
            if (status >= 500) {
                throw new Refusal(
                        FAILED,
                        "the function answered " + status + " ("
                                + json.path("body").asText("").replaceAll("\\s+", " ") + "); its log lines are above");
            }
            return OK;
        }
    }

    /** The logical ids of template.yaml's functions, in template order. */
    static List<String> templateFunctions() {
        List<String> names = new ArrayList<>();
        SamTemplate.project().resources().fields().forEachRemaining(resource -> {
            if ("AWS::Serverless::Function"
                    .equals(resource.getValue().path("Type").asText())) {
                names.add(resource.getKey());
            }
        });
        return names;
    }

    private static String readEvent(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            String known;
            try (Stream<Path> events = Files.list(ProjectFiles.root().resolve("events"))) {
                known = String.join(
                        ", ",
                        events.map(p -> "events/" + p.getFileName()).sorted().toList());
            }
            throw new Refusal(USAGE, "no event file " + file + "; the sample events: " + known);
        }
        String event = Files.readString(file);
        try {
            JSON.readTree(event);
        } catch (IOException e) {
            throw new Refusal(USAGE, file + " is not JSON (an API Gateway HTTP API event is)");
        }
        return event;
    }

    /** The function environment, once the stack it points at answers. */
    private static Map<String, String> readEnvironment(Path envFile) throws IOException {
        if (!Files.isRegularFile(envFile)) {
            throw new Refusal(
                    FAILED,
                    "no environment at " + envFile + ": start `infra/local-run --serve` in another terminal,"
                            + " or pass --env-file");
        }
        Map<String, String> env = readEnvFile(envFile);
        String endpoint = env.get("AWS_ENDPOINT_URL");
        if (endpoint != null && !answers(URI.create(endpoint))) {
            throw new Refusal(
                    FAILED,
                    "the local stack in " + envFile + " (emulator " + endpoint + ") does not answer;"
                            + " start `infra/local-run --serve` in another terminal");
        }
        return env;
    }

    private static boolean answers(URI endpoint) {
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : ("https".equals(endpoint.getScheme()) ? 443 : 80);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Refusal usageError(String problem, List<String> functions) {
        return new Refusal(USAGE, problem + "\n" + usage(functions).stripTrailing());
    }

    private static String usage(List<String> functions) {
        return "usage: infra/invoke FUNCTION EVENT_FILE [--env-file FILE]\n"
                + "  FUNCTION    a function of template.yaml: " + String.join(", ", functions) + "\n"
                + "  EVENT_FILE  an API Gateway HTTP API event, e.g. events/start-reauth.json\n"
                + "  --env-file  KEY=VALUE lines (default: " + DEFAULT_ENV_FILE
                + ", which infra/local-run --serve writes)\n"
                + "Exit code: 0 the function answered, 1 it failed (status 500 or more, an error, or no stack), 2 usage.\n";
    }

    private static String didYouMean(String name, List<String> functions) {
        return functions.stream()
                .min(Comparator.comparingInt(f -> distance(f.toLowerCase(), name.toLowerCase())))
                .filter(f -> distance(f.toLowerCase(), name.toLowerCase()) <= 3)
                .map(f -> " (did you mean " + f + "?)")
                .orElse("");
    }

    /** Levenshtein distance, for suggesting the function a misspelt name meant. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String firstLine(String text) {
        return text == null ? "(no detail)" : text.lines().findFirst().orElse("(no detail)");
    }

    /** Writes the function environment for later {@code infra/invoke} calls. */
    public static void writeEnvFile(Path file, Map<String, String> env) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder("# written by infra/local-run --serve; read by infra/invoke\n");
        env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text);
    }

    static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return env;
    }
}
