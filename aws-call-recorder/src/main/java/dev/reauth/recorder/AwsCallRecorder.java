package dev.reauth.recorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * Test-time only: records every AWS request that reached AWS (answered, successfully or not) as one JSON line
 * of {@link AwsCall} where the environment variable (or system property) {@code REAUTH_AWS_CALL_RECORD} says: a
 * file, or a directory (existing, or named with a trailing {@code /}), in which each JVM appends to its own {@code calls-PID.jsonl}; records nothing
 * where neither is set. The SDK loads it from the classpath (a global interceptor).
 * The caller (the principal the request is evaluated as) is the one the client was built for
 * ({@link #actingAs}), else what {@link #as} set for this thread and the threads it starts, else
 * {@code REAUTH_AWS_CALLER} (a child process acting as one principal). A request with no caller is a test's own
 * (creating tables, reading items to assert) and is not recorded: it is no principal's.
 * A request stopped before it was sent (SnapStart priming) is not recorded.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {

    public static final String RECORD = "REAUTH_AWS_CALL_RECORD";
    public static final String CALLER = "REAUTH_AWS_CALLER";
    private static final InheritableThreadLocal<String> CURRENT_CALLER = new InheritableThreadLocal<>();
    private static final ExecutionAttribute<String> CLIENT_CALLER = new ExecutionAttribute<>("ReauthAwsCaller");

    /**
     * An interceptor to add to a client built for one principal (a proxy's fleet library, an agent): every
     * request of that client is recorded as made by {@code caller}, whichever thread makes it.
     */
    public static ExecutionInterceptor actingAs(String caller) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                attributes.putAttribute(CLIENT_CALLER, caller);
            }
        };
    }

    /** Runs {@code work} with its AWS calls recorded as made by {@code caller} (in-process handlers share clients). */
    public static <T> T as(String caller, Supplier<T> work) {
        String before = CURRENT_CALLER.get();
        CURRENT_CALLER.set(caller);
        try {
            return work.get();
        } finally {
            CURRENT_CALLER.set(before);
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(context.request(), attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.httpResponse().isPresent()) {
            record(context.request(), attributes);
        }
    }

    private static void record(Object request, ExecutionAttributes attributes) {
        String file = setting(RECORD);
        if (file == null || !(request instanceof SdkPojo pojo)) {
            return;
        }
        String caller = attributes.getAttribute(CLIENT_CALLER);
        if (caller == null) {
            caller = CURRENT_CALLER.get();
        }
        if (caller == null) {
            caller = setting(CALLER);
        }
        if (caller == null) {
            return;
        }
        List<AwsCall> calls = IamRequests.of(
                caller,
                attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                pojo);
        StringBuilder lines = new StringBuilder();
        for (AwsCall call : calls) {
            lines.append(json(call)).append('\n');
        }
        Path target = Path.of(file);
        boolean directory = file.endsWith("/") || Files.isDirectory(target);
        if (directory) {
            target = target.resolve("calls-" + ProcessHandle.current().pid() + ".jsonl");
        }
        synchronized (AwsCallRecorder.class) {
            try {
                if (directory) {
                    Files.createDirectories(target.getParent());
                }
                Files.writeString(
                        target,
                        lines,
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record AWS calls in " + file, e);
            }
        }
    }

    private static String json(AwsCall call) {
        JsonWriter out = JsonWriter.create();
        out.writeStartObject();
        out.writeFieldName("caller").writeValue(call.caller());
        out.writeFieldName("action").writeValue(call.action());
        out.writeFieldName("resource").writeValue(call.resource());
        out.writeFieldName("context").writeStartObject();
        for (Map.Entry<String, List<String>> key : call.context().entrySet()) {
            out.writeFieldName(key.getKey()).writeStartArray();
            key.getValue().forEach(out::writeValue);
            out.writeEndArray();
        }
        out.writeEndObject();
        out.writeEndObject();
        return new String(out.getBytes(), StandardCharsets.UTF_8);
    }

    private static String setting(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name);
        }
        return value != null && !value.isBlank() ? value : null;
    }
}
