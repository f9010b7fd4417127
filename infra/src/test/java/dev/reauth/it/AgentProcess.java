package dev.reauth.it;

import dev.reauth.recorder.AwsCallRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged reauth-agent jar run as its own process, as {@code agent/reauth-agent} runs it. */
final class AgentProcess {

    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the agent and waits until it has caught up and is polling its queue. */
    static AgentProcess start(Map<String, String> environment, Path log) throws IOException, InterruptedException {
        String jar = System.getProperty("reauth.agentJar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no agent jar at " + jar + " (package the agent module first)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        String record = System.getProperty(AwsCallRecorder.RECORD);
        String recorderJar = System.getProperty("reauth.recorderJar");
        boolean recording = record != null && recorderJar != null && Files.isRegularFile(Path.of(recorderJar));
        if (recording) {
            // the test-only recorder beside the agent's jar: its AWS calls are the agent role's
            command.addAll(List.of("-cp", jar + ":" + recorderJar, "dev.reauth.agent.AgentMain"));
        } else {
            command.addAll(List.of("-jar", jar));
        }
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().putAll(environment);
        if (recording) {
            pb.environment().put(AwsCallRecorder.RECORD, record);
            pb.environment().put(AwsCallRecorder.CALLER, PrincipalClients.AGENT);
        }
        AgentProcess agent = new AgentProcess(pb.start(), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!agent.log().contains("reauth-agent running")) {
            if (!agent.process.isAlive() || System.nanoTime() > deadline) {
                agent.kill();
                throw new IllegalStateException("the agent did not start: " + agent.log());
            }
            Thread.sleep(100);
        }
        return agent;
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops it at once (SIGKILL): nothing of it runs on. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
