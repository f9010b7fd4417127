package dev.reauth.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a reader of README.md and docs/ could follow and find missing: relative links and images that
 * point nowhere, and {@code infra/...} or {@code cli/...} commands and paths that do not exist (a
 * command, a direct child of infra/ or cli/, must also be executable). Build output ({@code target/})
 * and the tools' folder ({@code .tools/}) are not in a checkout, so they are not checked.
 */
final class DocsCheck {

    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HTML_SOURCE = Pattern.compile("(?:src|href)=\"([^\"]+)\"");
    private static final Pattern PROJECT_PATH =
            Pattern.compile("(?<![\\w./$~-])((?:infra|cli)/[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*/?)");

    private DocsCheck() {}

    /** The problems in {@code file}, one line each (file: what); empty when a reader finds everything. */
    static List<String> problems(Path root, Path file) throws IOException {
        List<String> problems = new ArrayList<>();
        String text = Files.readString(file);
        String name = root.relativize(file).toString();
        for (Pattern links : List.of(MARKDOWN_LINK, HTML_SOURCE)) {
            Matcher link = links.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z][a-z0-9+.-]*:.*") || target.startsWith("#")) {
                    continue; // a URL, or an anchor in the same page
                }
                Path resolved = file.getParent()
                        .resolve(target.replaceFirst("#.*$", ""))
                        .normalize();
                if (!Files.exists(resolved)) {
                    problems.add(name + ": the link " + target + " points nowhere");
                }
            }
        }
        Matcher path = PROJECT_PATH.matcher(text);
        while (path.find()) {
            String named = path.group(1).replaceAll("[.]+$", "");
            if (named.contains("/target/") || named.endsWith("/target") || named.contains("/.tools")) {
                continue;
            }
            Path resolved = root.resolve(named);
            if (!Files.exists(resolved)) {
                problems.add(name + ": " + named + " does not exist");
            } else if (named.indexOf('/') == named.lastIndexOf('/')
                    && Files.isRegularFile(resolved)
                    && !named.endsWith(".xml")
                    && !Files.isExecutable(resolved)) {
                problems.add(name + ": " + named + " is named as a command but is not executable");
            }
        }
        return problems;
    }
}
