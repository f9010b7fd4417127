package dev.reauth.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Asks for the pasted code#state. On a terminal the input is not echoed, like a password: the code is
 * a secret and should not stay on screen or in scrollback. Piped input is read as a plain line.
 */
public final class Prompt {

    private final Console console;
    private final BufferedReader in;
    private final PrintStream out;

    public Prompt(Console console, BufferedReader in, PrintStream out) {
        this.console = console;
        this.in = in;
        this.out = out;
    }

    /** The console when standard input and output are a terminal, else null. */
    public static Console interactiveConsole() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            // Java 22+ returns a Console for redirected streams too; isTerminal() tells them apart
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console) ? console : null;
        } catch (ReflectiveOperationException onJava21) {
            return console;
        }
    }

    /** The line entered, or null at end of input. */
    public String secretLine(String prompt) {
        if (console != null) {
            char[] entered = console.readPassword("%s", prompt);
            return entered == null ? null : new String(entered);
        }
        out.print(prompt);
        out.flush();
        try {
            String line = in.readLine();
            // piped input is not echoed: end the prompt's line so what follows starts on its own
            out.println();
            return line;
        } catch (IOException e) {
            return null;
        }
    }
}
