package dev.reauth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.aws.AwsClients;
import dev.reauth.config.ReauthConfig;
import dev.reauth.domain.AccountName;
import dev.reauth.domain.CallbackRequest;
import dev.reauth.domain.ReauthService;
import dev.reauth.handler.Wiring;
import dev.reauth.local.LambdaRuntimeEmulator;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.LocalStack;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.TemplateFunction;
import dev.reauth.provider.HttpAuthorizationServer;
import dev.reauth.wire.Schema.Accounts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Cold start, measured: each packaged function started fresh under the Runtime Interface Emulator
 * N times, timing init + first invoke and counting loaded classes, next to a hello-world handler
 * under the same emulator in the same run (the floor). Each function runs twice per round: as
 * deployed, and with its SnapStart priming (its CRaC hooks) run after init, before the first invoke;
 * the emulator's own init and invoke durations split the total. Prints a table; asserts nothing.
 */
public final class ColdStartBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Sample(long millis, long classes, long warmMillis, long initMillis, long invokeMillis) {}

    private static final Pattern INIT_REPORT = Pattern.compile("INIT REPORT\\(durationMs: ([0-9.]+)\\)");
    private static final Pattern INVOKE_DONE =
            Pattern.compile("INVOKE RTDONE\\(status: success[^)]*duration: ([0-9.]+)ms\\)");

    private record Row(String name, List<Sample> samples) {
        long median() {
            List<Long> sorted = samples.stream().map(Sample::millis).sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        long min() {
            return samples.stream().mapToLong(Sample::millis).min().orElseThrow();
        }

        long max() {
            return samples.stream().mapToLong(Sample::millis).max().orElseThrow();
        }

        long warm() {
            return median(Sample::warmMillis);
        }

        long init() {
            return median(Sample::initMillis);
        }

        long invoke() {
            return median(Sample::invokeMillis);
        }

        private long median(ToLongFunction<Sample> of) {
            List<Long> sorted = samples.stream().map(of::applyAsLong).sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        long classes() {
            List<Long> sorted = samples.stream().map(Sample::classes).sorted().toList();
            return sorted.get(sorted.size() / 2);
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        PrintStream out = System.out;
        // the in-process half of the setup logs JSON lines; they are not the benchmark's output
        System.setOut(new PrintStream(PrintStream.nullOutputStream()));

        LocalStack aws = LocalStack.create();
        LocalOAuthProvider provider = LocalOAuthProvider.start();
        Map<String, String> env = new HashMap<>(aws.functionEnvironment(provider.environment()));
        env.put("LOG_LEVEL", "info");
        ReauthConfig config = ReauthConfig.from(env);
        ReauthService service = Wiring.service(
                config,
                AwsClients.create(config, LocalStack.CREDENTIALS, List.of()),
                new HttpAuthorizationServer(config.provider(), config.providerTimeout(), config.providerTimeout()),
                Clock.systemUTC());
        String accountId = aws.seedAccount(
                "bench",
                Map.of("priority", AttributeValue.fromN("1"), Accounts.TOKEN_VERSION, AttributeValue.fromN("1")));
        Path hello = helloJar();
        Path primed = primedJar();
        // the local provider's first token pays its key setup: that is provider latency, not our cold start
        service.complete(CallbackRequest.of(
                provider.authorize(service.startReauth(new AccountName("bench"), Optional.empty())
                                .authorizationUrl())
                        .pasted(),
                null));

        Supplier<String> startEvent = () ->
                event("start-reauth.json", e -> e.putObject("pathParameters").put("name", "bench"));
        Supplier<String> callbackEvent = () -> {
            String url = service.startReauth(new AccountName("bench"), Optional.empty())
                    .authorizationUrl();
            String pasted = provider.authorize(url).pasted();
            return event(
                    "callback-pasted-code.json",
                    e -> e.put(
                            "body", JSON.createObjectNode().put("code", pasted).toString()));
        };
        Supplier<String> reloadEvent =
                () -> event("reload.json", e -> e.putObject("pathParameters").put("id", accountId));
        List<Subject> subjects = List.of(
                new Subject(
                        "hello-world (floor)",
                        () -> new LambdaRuntimeEmulator.Function(
                                HelloWorldHandler.class.getName() + "::handleRequest", hello, 1024, 30, env, List.of()),
                        () -> "{}"),
                new Subject(
                        "StartReauthFunction",
                        () -> TemplateFunction.of("StartReauthFunction", env, List.of()),
                        startEvent),
                new Subject(
                        "  primed",
                        () -> primed(TemplateFunction.of("StartReauthFunction", env, List.of()), primed),
                        startEvent),
                new Subject(
                        "CallbackFunction",
                        () -> TemplateFunction.of("CallbackFunction", env, List.of()),
                        callbackEvent),
                new Subject(
                        "  primed",
                        () -> primed(TemplateFunction.of("CallbackFunction", env, List.of()), primed),
                        callbackEvent),
                new Subject("ReloadFunction", () -> TemplateFunction.of("ReloadFunction", env, List.of()), reloadEvent),
                new Subject(
                        "  primed",
                        () -> primed(TemplateFunction.of("ReloadFunction", env, List.of()), primed),
                        reloadEvent));
        List<List<Sample>> samples = new ArrayList<>();
        subjects.forEach(s -> samples.add(new ArrayList<>()));
        // rounds interleave the subjects, so drift in the machine's load falls on every row alike;
        // round 0 is untimed and puts every jar in the page cache
        for (int round = 0; round <= runs; round++) {
            for (int i = 0; i < subjects.size(); i++) {
                Sample sample = measureOnce(subjects.get(i));
                if (round > 0) {
                    samples.get(i).add(sample);
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < subjects.size(); i++) {
            rows.add(new Row(subjects.get(i).name(), samples.get(i)));
        }

        Row floor = rows.getFirst();
        long jarBytes = Files.size(TemplateFunction.jar());
        out.printf(
                "Cold start under the Lambda Runtime Interface Emulator: init + first invoke, %d fresh starts each (interleaved),%n",
                runs);
        out.printf(
                "JVM %s (%s), managed-runtime JVM options, 1024 MB heap bound; real AWS calls to the local emulator.%n%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf(
                "%-22s %8s %8s %8s %9s %10s %9s %9s %10s%n",
                "function", "median", "min", "max", "classes", "× floor", "init", "invoke", "warm");
        for (Row row : rows) {
            out.printf(
                    "%-22s %6d ms %5d ms %5d ms %9d %9.2f× %6d ms %6d ms %7d ms%n",
                    row.name(),
                    row.median(),
                    row.min(),
                    row.max(),
                    row.classes(),
                    (double) row.median() / floor.median(),
                    row.init(),
                    row.invoke(),
                    row.warm());
        }
        out.println(
                "(median/min/max: init + first invoke, as the caller waits for it; init and invoke: the emulator's own");
        out.println(
                " durations of the two phases; primed: the function's SnapStart hooks ran at the end of init, as before a");
        out.println(
                " snapshot, so its invoke column is what a restored SnapStart instance still pays; warm: a second invoke)");
        for (int i = 1; i + 1 < rows.size(); i += 2) {
            out.printf(
                    "priming, %s: first invoke %d ms -> %d ms (%+d ms)%n",
                    rows.get(i).name(),
                    rows.get(i).invoke(),
                    rows.get(i + 1).invoke(),
                    rows.get(i + 1).invoke() - rows.get(i).invoke());
        }
        double callbackRatio = (double) rows.get(3).median() / floor.median();
        out.printf(
                "%ndeployable jar: %s, %,d bytes (%.2f MB, %.2f MiB)%n",
                ProjectFiles.root().relativize(TemplateFunction.jar()), jarBytes, jarBytes / 1e6, jarBytes / 1048576.0);
        out.printf(
                "targets: callback <= 2.5x floor: %s (%.2fx); jar <= 12 MB: %s%n",
                callbackRatio <= 2.5 ? "met" : "NOT met",
                callbackRatio,
                jarBytes <= 12_000_000 ? "met" : "NOT met (" + String.format("%.2f MB", jarBytes / 1e6) + ")");
        provider.close();
        System.exit(0);
    }

    private record Subject(String name, Supplier<LambdaRuntimeEmulator.Function> function, Supplier<String> event) {}

    /** One fresh start: init + first invoke, and the classes loaded by then. */
    private static Sample measureOnce(Subject subject) throws IOException {
        Path classLog = Files.createTempFile("reauth-classes-", ".log");
        LambdaRuntimeEmulator.Function f = subject.function().get();
        List<String> options = new ArrayList<>(f.extraJvmOptions());
        options.add("-Xlog:class+load=info:file=" + classLog + ":uptime");
        String payload = subject.event().get();
        try (LambdaRuntimeEmulator running = LambdaRuntimeEmulator.start(new LambdaRuntimeEmulator.Function(
                f.handler(), f.jar(), f.memoryMb(), f.timeoutSeconds(), f.environment(), options))) {
            long started = System.nanoTime();
            String response = running.invoke(payload);
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (!response.contains("\"statusCode\":200")) {
                throw new IllegalStateException(subject.name() + " did not answer 200: " + response);
            }
            long classes;
            try (var lines = Files.lines(classLog)) {
                classes = lines.count();
            } finally {
                Files.deleteIfExists(classLog);
            }
            // a second invoke of the same instance: the warm path, i.e. what the calls themselves cost
            String second = subject.event().get();
            long warmStarted = System.nanoTime();
            running.invoke(second);
            long warm = (System.nanoTime() - warmStarted) / 1_000_000;
            String log = running.output();
            return new Sample(millis, classes, warm, firstDuration(INIT_REPORT, log), firstDuration(INVOKE_DONE, log));
        }
    }

    /** The first duration the emulator reported of a phase, in whole milliseconds. */
    private static long firstDuration(Pattern phase, String emulatorLog) {
        Matcher m = phase.matcher(emulatorLog);
        if (!m.find()) {
            throw new IllegalStateException("the emulator reported no " + phase.pattern() + ":\n" + emulatorLog);
        }
        return Math.round(Double.parseDouble(m.group(1)));
    }

    /** The function's handler behind {@link SnapStartPrimedHandler}, from the jar that adds it. */
    private static LambdaRuntimeEmulator.Function primed(LambdaRuntimeEmulator.Function function, Path primedJar) {
        Map<String, String> env = new HashMap<>(function.environment());
        env.put("BENCH_FUNCTION_HANDLER", function.handler().replaceFirst("::.*$", ""));
        return new LambdaRuntimeEmulator.Function(
                SnapStartPrimedHandler.class.getName() + "::handleRequest",
                primedJar,
                function.memoryMb(),
                function.timeoutSeconds(),
                env,
                function.extraJvmOptions());
    }

    /** The deployable jar plus {@link SnapStartPrimedHandler}: the same classes, one more entry. */
    private static Path primedJar() throws IOException {
        Path jar = Files.createTempFile("reauth-functions-primed-", ".jar");
        String entry = SnapStartPrimedHandler.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                JarFile functions = new JarFile(TemplateFunction.jar().toFile());
                InputStream primer =
                        SnapStartPrimedHandler.class.getClassLoader().getResourceAsStream(entry)) {
            for (JarEntry e : Collections.list(functions.entries())) {
                out.putNextEntry(new JarEntry(e.getName()));
                try (InputStream in = functions.getInputStream(e)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(entry));
            primer.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private static String event(String file, Consumer<ObjectNode> adjust) {
        ObjectNode event = ProjectFiles.eventJson(file);
        adjust.accept(event);
        return event.toString();
    }

    /** A jar holding only the hello-world handler (the runtime provides aws-lambda-java-core). */
    private static Path helloJar() throws IOException {
        Path jar = Files.createTempFile("hello-world-", ".jar");
        String entry = HelloWorldHandler.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                InputStream in = HelloWorldHandler.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
