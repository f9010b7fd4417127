package dev.reauth.it;

import dev.reauth.local.ProjectFiles;
import dev.reauth.recorder.AwsCallRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code LocalRun} as infra/local-run does after its build: the test build's classes, output and errors merged. */
final class LocalRunProcess {

    private LocalRunProcess() {}

    static Process start(String... arguments) throws IOException {
        Path classpath = ProjectFiles.root().resolve("infra/target/classpath.txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        String record = System.getProperty(AwsCallRecorder.RECORD);
        if (record != null) {
            // the functions it serves record their AWS calls with the ITs' (RecordedCallsAllowedIT)
            command.add("-D" + AwsCallRecorder.RECORD + "=" + record);
        }
        command.addAll(List.of(
                "-cp",
                ProjectFiles.root().resolve("infra/target/classes") + ":"
                        + Files.readString(classpath).strip(),
                "dev.reauth.local.LocalRun"));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command)
                .directory(ProjectFiles.root().toFile())
                .redirectErrorStream(true)
                .start();
    }
}
