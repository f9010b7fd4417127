package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sam local invoke} without Docker: runs one function of template.yaml from the packaged jar
 * under the Runtime Interface Emulator, posts an event file to it and prints the response, with
 * the environment of a running {@code infra/local-run --serve} (or an --env-file).
 */
public final class LocalInvoke {

    static final Path DEFAULT_ENV_FILE = Path.of(".tools", "local-stack.env");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("""
                    usage: infra/invoke FUNCTION EVENT_FILE [--env-file FILE]
                      FUNCTION    a function of template.yaml: StartReauthFunction, CallbackFunction, ReloadFunction
                      EVENT_FILE  an API Gateway HTTP API event, e.g. events/start-reauth.json
                      --env-file  KEY=VALUE lines (default: the one infra/local-run --serve writes)""");
            System.exit(2);
        }
        Path envFile = args.length > 3 && args[2].equals("--env-file") ? Path.of(args[3]) : ProjectFiles.root().resolve(DEFAULT_ENV_FILE);
        if (!Files.isRegularFile(envFile)) {
            System.err.println("No environment at " + envFile + ": start `infra/local-run --serve` in another terminal, or pass --env-file");
            System.exit(2);
        }
        Map<String, String> env = readEnvFile(envFile);
        String event = Files.readString(Path.of(args[1]));
        try (LambdaRuntimeEmulator function = LambdaRuntimeEmulator.start(TemplateFunction.of(args[0], env, List.of()))) {
            long started = System.nanoTime();
            String response = function.invoke(event);
            long millis = (System.nanoTime() - started) / 1_000_000;
            function.output().lines().filter(line -> line.startsWith("{")).forEach(System.err::println);
            JsonNode json = JSON.readTree(response);
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
            System.err.println("(cold start + invoke: " + millis + " ms)");
        }
        System.exit(0);
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
