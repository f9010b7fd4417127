package dev.reauth.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Tees standard output and error (where the functions' JSON log lines go, as in Lambda) into a
 * buffer for the whole test JVM, so tests can check what was logged.
 */
final class LogCapture {

    private static final ByteArrayOutputStream BUFFER = new ByteArrayOutputStream();
    private static boolean installed;

    private LogCapture() {}

    static synchronized void install() {
        if (!installed) {
            System.setOut(tee(System.out));
            System.setErr(tee(System.err));
            installed = true;
        }
    }

    static List<String> lines() {
        synchronized (BUFFER) {
            return Arrays.asList(BUFFER.toString(StandardCharsets.UTF_8).split("\n"));
        }
    }

    private static PrintStream tee(PrintStream original) {
        return new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        original.write(b);
                        synchronized (BUFFER) {
                            BUFFER.write(b);
                        }
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        original.write(b, off, len);
                        synchronized (BUFFER) {
                            BUFFER.write(b, off, len);
                        }
                    }
                },
                true,
                StandardCharsets.UTF_8);
    }
}
