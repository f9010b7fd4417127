package dev.reauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Text from the API made safe for the operator's terminal: escape sequences (ANSI CSI, OSC and the
 * rest), control characters and bidirectional overrides removed, so an API answer cannot move the
 * cursor, retitle the window, hide text or make a line read other than it is. And the one style the
 * command itself uses: dim, for the line naming the API.
 */
public final class TerminalText {

    // ESC [ ... final byte | ESC ] ... BEL or ESC \ | ESC P/X/^/_ ... ESC \ | ESC and one more character
    private static final Pattern ESCAPE_SEQUENCE = Pattern.compile("\u001b\\[[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]?"
            + "|\u001b\\][^\u0007\u001b]*(?:\u0007|\u001b\\\\)?"
            + "|\u001b[PX^_][^\u001b]*(?:\u001b\\\\)?"
            + "|\u001b.?"
            + "|\u009b[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]?");
    // C0 and C1 controls, DEL, and the bidi embeddings, overrides and isolates (U+202A-E, U+2066-9)
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]");

    private TerminalText() {}

    /** {@code text} without escape sequences and control characters; tabs and newlines become spaces. */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        String noEscapes = ESCAPE_SEQUENCE.matcher(text).replaceAll("");
        return CONTROL.matcher(noEscapes.replace('\t', ' ').replace('\n', ' ').replace('\r', ' '))
                .replaceAll("");
    }

    /**
     * {@code text} dimmed (SGR 2) when it goes to a terminal that shows colours: not with NO_COLOR set,
     * TERM=dumb, or output that is not a terminal.
     */
    public static String dim(String text, Map<String, String> env, boolean toTerminal) {
        boolean colours = toTerminal
                && Prompt.interactiveConsole() != null
                && !env.containsKey("NO_COLOR")
                && !"dumb".equals(env.getOrDefault("TERM", "dumb"));
        return colours ? "\u001b[2m" + text + "\u001b[0m" : text;
    }

    /** A copy of a JSON answer with every string value cleaned. */
    public static JsonNode clean(JsonNode node) {
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(clean(node.asText()));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(field -> copy.set(field.getKey(), clean(field.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(clean(element)));
            return copy;
        }
        return node;
    }
}
