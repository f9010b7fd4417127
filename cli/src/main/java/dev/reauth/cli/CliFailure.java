package dev.reauth.cli;

/** A failure the command reports in one plain sentence and an exit code. */
public final class CliFailure extends RuntimeException {

    private final ExitCode exitCode;

    public CliFailure(ExitCode exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
