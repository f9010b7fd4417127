package dev.reauth.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Standard output for a benchmark that runs the functions in-process: keeps the Embedded Metric
 * Format lines (those with an {@code _aws} member first) and drops the JSON log lines.
 */
final class EmfLines extends OutputStream {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<String> kept = new ArrayList<>();

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.startsWith("{\"_aws\":")) {
                kept.add(text);
            }
            line.reset();
        } else {
            line.write(b);
        }
    }

    /** The metric lines written since the last drain. */
    synchronized List<String> drain() {
        List<String> drained = List.copyOf(kept);
        kept.clear();
        return drained;
    }
}
