package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.local.LocalDeployment;
import dev.reauth.local.LocalInvoke;
import dev.reauth.local.ProjectFiles;
import dev.reauth.recorder.AwsCallRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** infra/invoke as a person types it: a misspelt function, a missing event, a stopped stack each end non-zero in one line. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvokeScriptIT {

    private LocalDeployment local;
    private Path work;

    @BeforeAll
    void start() throws IOException {
        LogCapture.install();
        local = LocalDeployment.withLocalProvider(0, Map.of());
        work = Files.createTempDirectory("reauth-invoke-it-");
    }

    @AfterAll
    void stop() {
        local.close();
        CliTerminals.remove(work);
    }

    @Test
    void help_listsEveryFunctionOfTheTemplate() {
        ScriptRun run = ScriptRun.of("infra/invoke", Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout())
                .contains("StartReauthFunction", "CallbackFunction", "ReloadFunction", "ListAccountsFunction");
    }

    @Test
    void misspeltFunction_isRefused_withTheClosestName() throws IOException {
        ScriptRun run = ScriptRun.of(
                "infra/invoke",
                Map.of(),
                "StartReauthFuncton",
                "events/start-reauth.json",
                "--env-file",
                envFile("live", local.environment()).toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr())
                .startsWith("infra/invoke: template.yaml has no function StartReauthFuncton (did you mean"
                        + " StartReauthFunction?); its functions: StartReauthFunction, ")
                .contains("ListAccountsFunction")
                .hasLineCount(1);
    }

    @Test
    void missingEventFile_isOneLine_namingTheSampleEvents() throws IOException {
        ScriptRun run = ScriptRun.of(
                "infra/invoke",
                Map.of(),
                "StartReauthFunction",
                "events/start-reauht.json",
                "--env-file",
                envFile("live", local.environment()).toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr())
                .startsWith("infra/invoke: no event file events/start-reauht.json; the sample events: ")
                .contains("events/start-reauth.json")
                .doesNotContain("Exception")
                .hasLineCount(1);
    }

    @Test
    void beforeTheFirstBuild_aWrongFunctionOrEventIsOneLine_andNothingIsBuilt() throws IOException {
        // a checkout that was never built: the script, the JDK finder and the template alone
        Path fresh =
                Files.createDirectories(work.resolve("fresh-checkout/infra")).getParent();
        for (String file : List.of("infra/invoke", "infra/java-home", "template.yaml")) {
            Files.copy(ProjectFiles.root().resolve(file), fresh.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        String invoke = fresh.resolve("infra/invoke").toString();

        ScriptRun misspelt = ScriptRun.of(invoke, Map.of(), "StartReauthFuncton", "events/start-reauth.json");
        ScriptRun noEvent = ScriptRun.of(invoke, Map.of(), "StartReauthFunction", "events/start-reauht.json");
        ScriptRun unknownOption = ScriptRun.of(invoke, Map.of(), "--verbose", "x", "y");

        assertThat(misspelt.exitCode()).isEqualTo(2);
        assertThat(misspelt.stderr())
                .isEqualTo("infra/invoke: template.yaml has no function StartReauthFuncton; its functions:"
                        + " StartReauthFunction, CallbackFunction, RefreshFunction, ReloadFunction,"
                        + " ListAccountsFunction, WebFunction\n");
        assertThat(noEvent.exitCode()).isEqualTo(2);
        assertThat(noEvent.stderr())
                .isEqualTo("infra/invoke: no event file events/start-reauht.json; the sample events are in events/\n");
        assertThat(unknownOption.exitCode()).isEqualTo(2);
        assertThat(unknownOption.stderr()).isEqualTo("infra/invoke: unknown option --verbose (infra/invoke --help)\n");
        try (Stream<Path> left = Files.list(fresh)) {
            assertThat(left.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder("infra", "template.yaml");
        }
    }

    @Test
    void stoppedStack_isReportedBeforeTheFunctionRuns_andExitsNonZero() throws IOException {
        Map<String, String> stopped = new LinkedHashMap<>(local.environment());
        stopped.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");

        ScriptRun run = ScriptRun.of(
                "infra/invoke",
                Map.of(),
                "ListAccountsFunction",
                "events/list-accounts.json",
                "--env-file",
                envFile("stopped", stopped).toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr())
                .endsWith("(emulator http://127.0.0.1:9) does not answer; start `infra/local-run --serve` in"
                        + " another terminal\n")
                .hasLineCount(1);
    }

    @Test
    void functionAnswering5xx_exitsNonZero() throws IOException {
        Map<String, String> broken = new LinkedHashMap<>(local.environment());
        broken.put("ACCOUNTS_TABLE", "no-such-table");

        // a misconfiguration made on purpose: its calls are no deployment's, so they are not recorded
        ScriptRun run = ScriptRun.of(
                "infra/invoke",
                Map.of(AwsCallRecorder.RECORD, ""),
                "ListAccountsFunction",
                "events/list-accounts.json",
                "--env-file",
                envFile("broken", broken).toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).contains("\"statusCode\" : 503");
        assertThat(run.stderr()).contains("infra/invoke: the function answered 503");
    }

    @Test
    void liveStack_answers_andNothingIsLeftInTheTempDirectory() throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));

        ScriptRun run = ScriptRun.of(
                "infra/invoke",
                Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp),
                "ListAccountsFunction",
                "events/list-accounts.json",
                "--env-file",
                envFile("live", local.environment()).toString());

        assertThat(run.exitCode()).as(run.screen()).isZero();
        assertThat(new ObjectMapper().readTree(run.stdout()).path("statusCode").asInt())
                .isEqualTo(200);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("task roots and jar copies left behind").isEmpty();
        }
    }

    private Path envFile(String name, Map<String, String> env) throws IOException {
        Path file = work.resolve(name + ".env");
        LocalInvoke.writeEnvFile(file, env);
        return file;
    }
}
