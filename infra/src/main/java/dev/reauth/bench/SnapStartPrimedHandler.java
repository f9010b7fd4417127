package dev.reauth.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * For the cold-start benchmark: a function's handler (named by {@code BENCH_FUNCTION_HANDLER}), then
 * the CRaC hooks it registered, run as Lambda's runtime client runs them with SnapStart before the
 * snapshot and after the restore. The Runtime Interface Emulator has no snapshot, so this is how the
 * first invoke is measured with priming done.
 */
public final class SnapStartPrimedHandler implements RequestStreamHandler {

    private final RequestStreamHandler function;

    public SnapStartPrimedHandler() throws ReflectiveOperationException {
        function = (RequestStreamHandler) Class.forName(
                        System.getenv("BENCH_FUNCTION_HANDLER"),
                        true,
                        getClass().getClassLoader())
                .getDeclaredConstructor()
                .newInstance();
        // the runtime client's own context, which -Dorg.crac.Core.Compat bridges org.crac resources to
        Class<?> core = Class.forName("com.amazonaws.services.lambda.crac.Core");
        Class<?> context = Class.forName("com.amazonaws.services.lambda.crac.Context");
        Object global = core.getMethod("getGlobalContext").invoke(null);
        context.getMethod("beforeCheckpoint", context).invoke(global, (Object) null);
        context.getMethod("afterRestore", context).invoke(global, (Object) null);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        function.handleRequest(input, output, context);
    }
}
