package dev.reauth.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/** The local run's function log, as CloudWatch is the stack's: one file per run in .tools/logs, the last few kept. */
final class FunctionLog {

    private static final int KEPT_RUN_LOGS = 10;

    private FunctionLog() {}

    /** This run's log file; the oldest run logs beyond the last few are removed. */
    static Path newRunLog() throws IOException {
        return ToolLogs.create("local-run-functions-", KEPT_RUN_LOGS);
    }

    /** The fleet library (the demo proxy) logs through java.util.logging: into the function log too, not between the watch lines. */
    static void logFleetLibraryTo(PrintStream log) {
        LogManager.getLogManager().reset();
        Logger.getLogger("").addHandler(new StreamHandler(log, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        });
    }
}
