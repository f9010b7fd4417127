package dev.reauth.local;

import dev.reauth.recorder.AwsCallRecorder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A function of template.yaml made runnable under the Runtime Interface Emulator. */
public final class TemplateFunction {

    private TemplateFunction() {}

    /** The shaded jar the Makefile puts in every function's artifact (sam build). */
    public static Path jar() {
        return ProjectFiles.root().resolve("functions/target/reauth-functions.jar");
    }

    /**
     * The function {@code logicalId} with the template's handler, memory and timeout, and the given environment.
     * When this JVM records its AWS calls (the integration tests), the function records its own into the same
     * place, as {@code logicalId}.
     */
    public static LambdaRuntimeEmulator.Function of(
            String logicalId, Map<String, String> environment, List<String> jvmOptions) {
        SamTemplate template = SamTemplate.project();
        String record = System.getProperty(AwsCallRecorder.RECORD, System.getenv(AwsCallRecorder.RECORD));
        if (record != null && !record.isBlank() && !environment.containsKey(AwsCallRecorder.RECORD)) {
            Map<String, String> recording = new HashMap<>(environment);
            recording.put(AwsCallRecorder.RECORD, record);
            recording.put(AwsCallRecorder.CALLER, logicalId);
            environment = Map.copyOf(recording);
        }
        return new LambdaRuntimeEmulator.Function(
                template.functionProperty(logicalId, "Handler").asText(),
                jar(),
                template.functionProperty(logicalId, "MemorySize").asInt(1024),
                timeoutSeconds(template, logicalId),
                environment,
                jvmOptions);
    }

    /** The function's Timeout, a number or a {@code Ref} to a parameter (RefreshFunction's), read from its default. */
    private static int timeoutSeconds(SamTemplate template, String logicalId) {
        var timeout = template.functionProperty(logicalId, "Timeout");
        return timeout.has("Ref")
                ? Integer.parseInt(template.parameterDefault(timeout.get("Ref").asText()))
                : timeout.asInt(30);
    }
}
