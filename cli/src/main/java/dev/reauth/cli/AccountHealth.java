package dev.reauth.cli;

import java.util.regex.Pattern;

/**
 * Account names in the commands the CLI prints. (Health itself is the stack's verdict, {@link
 * StackVerdict}; the CLI no longer judges it.)
 */
public final class AccountHealth {

    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9._@+=:,/-]+");

    private AccountHealth() {}

    /** A name as a shell command takes it: quoted when it holds anything but plain characters. */
    static String shellWord(String name) {
        return PLAIN_WORD.matcher(name).matches() ? name : "'" + name.replace("'", "'\\''") + "'";
    }
}
