package dev.reauth.log;

import dev.reauth.wire.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON-line logging to standard output, which Lambda ships to CloudWatch. Each line carries the
 * request id and account id of the request in progress, so one re-authentication can be followed
 * end to end. Callers pass only non-secret values: this class has no way to know what a token is.
 */
public final class StructuredLog {

    private static final ThreadLocal<Map<String, String>> CONTEXT = ThreadLocal.withInitial(LinkedHashMap::new);

    private final String logger;

    private StructuredLog(String logger) {
        this.logger = logger;
    }

    public static StructuredLog of(Class<?> owner) {
        return new StructuredLog(owner.getSimpleName());
    }

    /** Starts a request's context on this thread, dropping whatever an earlier request left. */
    public static void beginRequest(String requestId) {
        Map<String, String> context = CONTEXT.get();
        context.clear();
        if (requestId != null) {
            context.put("requestId", requestId);
        }
    }

    /** Adds a field (such as {@code accountId}) to every following line of this request. */
    public static void putContext(String key, String value) {
        if (value != null) {
            CONTEXT.get().put(key, value);
        }
    }

    public static void endRequest() {
        CONTEXT.remove();
    }

    public void info(String event, Object... keyValues) {
        write("INFO", event, null, keyValues);
    }

    public void warn(String event, Object... keyValues) {
        write("WARN", event, null, keyValues);
    }

    /** Logs a failure with the exception's type and message (never a response body or a secret). */
    public void error(String event, Throwable failure, Object... keyValues) {
        write("ERROR", event, failure, keyValues);
    }

    private void write(String level, String event, Throwable failure, Object... keyValues) {
        Json.ObjectWriter line = Json.object();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("logger", logger);
        line.put("event", event);
        CONTEXT.get().forEach(line::put);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.put(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
        }
        if (failure != null) {
            line.put("errorType", failure.getClass().getName());
            line.put("errorMessage", String.valueOf(failure.getMessage()));
            Throwable cause = failure.getCause();
            if (cause != null) {
                line.put("causeType", cause.getClass().getName());
                line.put("causeMessage", String.valueOf(cause.getMessage()));
            }
        }
        System.out.println(line.toJson());
    }
}
