package dev.reauth.bench;

import dev.reauth.local.LocalStack;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.TemplateFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * The cold-start cost of the refresh run's metric line (RefreshMetrics, on jackson-core via
 * dev.reauth.wire.Json): {@link EmfProbe} in fresh JVMs on the functions' shaded jar with the managed
 * runtime's JVM options, with and without the line, first as the JVM's first JSON and then after the
 * handler's own JSON (as in the function). Medians of whole-JVM wall time, loaded classes, the
 * call's own time and the classes it loaded. Prints a table; asserts nothing.
 */
public final class EmfColdStartBench {

    /** As LambdaRuntimeEmulator starts the managed runtime, with the heap it derives from RefreshFunction's 1024 MB. */
    private static final List<String> MANAGED_RUNTIME_JVM_OPTIONS = List.of(
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-Djava.net.preferIPv4Stack=true",
            "-Xmx" + (1024 * 85 / 100) + "m");

    private static final List<String> MODES =
            List.of("none", "line", "after-log", "after-log+line", "after-run", "after-run+line");

    private record Sample(
            long wallMillis, long classes, long callNanos, long secondCallNanos, List<String> callClasses) {}

    public static void main(String[] args) throws Exception {
        int jvms = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        PrintStream out = System.out;
        Path functions = TemplateFunction.jar();
        Path probe = probeJar();
        // the idle run's query goes to a copy of the stack's tables on the local emulator, as the function's would
        Map<String, String> environment = LocalStack.create().functionEnvironment(Map.of());
        List<List<Sample>> samples = new ArrayList<>();
        MODES.forEach(m -> samples.add(new ArrayList<>()));
        // interleaved, so drift in the machine's load falls on every case alike; round 0 is untimed
        for (int round = 0; round <= jvms; round++) {
            for (int i = 0; i < MODES.size(); i++) {
                Sample sample = runOnce(MODES.get(i), probe, functions, environment);
                if (round > 0) {
                    samples.get(i).add(sample);
                }
            }
        }
        Files.deleteIfExists(probe);

        out.printf(
                "First metric (EMF) line of a refresh run, cold: %d fresh JVMs per case (interleaved), JVM %s,%n",
                jvms, System.getProperty("java.version"));
        out.printf(
                "managed-runtime JVM options, classpath %s (%.2f MB) and the probe alone; medians.%n%n",
                ProjectFiles.root().relativize(functions), Files.size(functions) / 1e6);
        out.printf(
                "%-44s %10s %9s %10s %10s %9s %10s %9s%n",
                "before the line", "JVM wall", "classes", "with line", "classes", "call", "its classes", "2nd call");
        String[] before = {
            "nothing (first JSON of the JVM)",
            "event read + one log line (jackson-core warm)",
            "init + idle run (4 index queries, emulator)"
        };
        for (int pair = 0; pair < before.length; pair++) {
            List<Sample> without = samples.get(2 * pair);
            List<Sample> with = samples.get(2 * pair + 1);
            // differences within a round (the two JVMs ran back to back), so drift in the load cancels
            List<Long> wallDelta = new ArrayList<>();
            List<Long> classDelta = new ArrayList<>();
            for (int r = 0; r < jvms; r++) {
                wallDelta.add(with.get(r).wallMillis() - without.get(r).wallMillis());
                classDelta.add(with.get(r).classes() - without.get(r).classes());
            }
            out.printf(
                    "%-44s %7d ms %9d %+7d ms %+10d %6.2f ms %10d %6.2f ms%n",
                    before[pair],
                    median(without.stream().map(Sample::wallMillis).toList()),
                    median(without.stream().map(Sample::classes).toList()),
                    median(wallDelta),
                    median(classDelta),
                    median(with.stream().map(Sample::callNanos).toList()) / 1e6,
                    median(with.stream().map(x -> (long) x.callClasses().size()).toList()),
                    median(with.stream().map(Sample::secondCallNanos).toList()) / 1e6);
        }
        out.println("(with line: median of the differences to the JVM without the call that ran just before it;");
        out.println(
                " call: RefreshMetrics.line alone, timed in the JVM, for a run of 1,000 refreshes; 2nd call: the same again, warm;");
        out.println(
                " its classes: loaded between markers around the call. A JVM start moves by tens of ms on this shared machine:");
        out.println(" the call's own time is the sharper figure)");
        List<String> last = samples.getLast().getFirst().callClasses();
        out.println("classes the call loaded after the init and idle run: "
                + (last.isEmpty() ? "none" : String.join(", ", last)));
    }

    /** One fresh JVM running the probe in {@code mode}. */
    private static Sample runOnce(String mode, Path probe, Path functions, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path classLog = Files.createTempFile("emf-classes-", ".log");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(MANAGED_RUNTIME_JVM_OPTIONS);
        command.add("-Xlog:class+load=info:file=" + classLog);
        command.addAll(List.of("-cp", probe + ":" + functions, EmfProbe.class.getName(), mode));
        try {
            long started = System.nanoTime();
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            long wallMillis = (System.nanoTime() - started) / 1_000_000;
            String result = output.lines()
                    .filter(l -> l.startsWith("PROBE "))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "the probe (" + mode + ") exited " + exit + " without a result:\n" + output));
            long nanos = Long.parseLong(result.replaceAll(".*nanos=(\\d+).*", "$1"));
            long again = Long.parseLong(result.replaceAll(".*again=(\\d+).*", "$1"));
            List<String> loaded = Files.readAllLines(classLog).stream()
                    .filter(l -> l.contains("class,load"))
                    .toList();
            List<String> between = new ArrayList<>();
            boolean inside = false;
            for (String line : loaded) {
                String name = line.replaceAll(".*class,load\\s*\\]\\s*(\\S+).*", "$1");
                if (name.equals(EmfProbe.After.class.getName())) {
                    break;
                }
                if (inside) {
                    between.add(name);
                }
                inside |= name.equals(EmfProbe.Before.class.getName());
            }
            return new Sample(wallMillis, loaded.size(), nanos, again, between);
        } finally {
            Files.deleteIfExists(classLog);
        }
    }

    /** A jar holding only the probe: the functions' classes come from their own shaded jar. */
    private static Path probeJar() throws IOException {
        Path jar = Files.createTempFile("emf-probe-", ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> type : List.of(EmfProbe.class, EmfProbe.Before.class, EmfProbe.After.class)) {
                String entry = type.getName().replace('.', '/') + ".class";
                try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
                    out.putNextEntry(new JarEntry(entry));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
