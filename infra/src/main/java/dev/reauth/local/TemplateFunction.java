package dev.reauth.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A function of template.yaml made runnable under the Runtime Interface Emulator. */
public final class TemplateFunction {

    private TemplateFunction() {
    }

    /** The packaged jar template.yaml's CodeUri names. */
    public static Path jar() {
        SamTemplate template = SamTemplate.project();
        return ProjectFiles.root().resolve(template.functionProperty("CallbackFunction", "CodeUri").asText());
    }

    /** The function {@code logicalId} with the template's handler, memory and timeout, and the given environment. */
    public static LambdaRuntimeEmulator.Function of(String logicalId, Map<String, String> environment, List<String> jvmOptions) {
        SamTemplate template = SamTemplate.project();
        return new LambdaRuntimeEmulator.Function(
                template.functionProperty(logicalId, "Handler").asText(),
                ProjectFiles.root().resolve(template.functionProperty(logicalId, "CodeUri").asText()),
                template.functionProperty(logicalId, "MemorySize").asInt(1024),
                template.functionProperty(logicalId, "Timeout").asInt(30),
                environment, jvmOptions);
    }
}
