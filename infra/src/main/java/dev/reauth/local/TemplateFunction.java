package dev.reauth.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A function of template.yaml made runnable under the Runtime Interface Emulator. */
public final class TemplateFunction {

    private TemplateFunction() {}

    /** The shaded jar the Makefile puts in every function's artifact (sam build). */
    public static Path jar() {
        return ProjectFiles.root().resolve("functions/target/reauth-functions.jar");
    }

    /** The function {@code logicalId} with the template's handler, memory and timeout, and the given environment. */
    public static LambdaRuntimeEmulator.Function of(
            String logicalId, Map<String, String> environment, List<String> jvmOptions) {
        SamTemplate template = SamTemplate.project();
        return new LambdaRuntimeEmulator.Function(
                template.functionProperty(logicalId, "Handler").asText(),
                jar(),
                template.functionProperty(logicalId, "MemorySize").asInt(1024),
                template.functionProperty(logicalId, "Timeout").asInt(30),
                environment,
                jvmOptions);
    }
}
