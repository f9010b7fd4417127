package dev.reauth.cli;

/** The command's exit codes: one per failure an operator (or a script) reacts to differently. */
public enum ExitCode {
    OK(0),
    FAILED(1),
    USAGE(2),
    UNKNOWN_ACCOUNT(3),
    SESSION_EXPIRED(4),
    CODE_NOT_ACCEPTED(5),
    API_UNREACHABLE(6),
    NOT_AUTHORIZED(7),
    SERVER_ERROR(8),
    /** {@code --check}: an account needs attention (the command ran; what it found is printed). */
    ATTENTION(9);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
