package dev.reauth.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.ProjectFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README.md and docs/: every relative link, and every infra/... or cli/... command they name, exists. */
class DocsCheckTest {

    private static final Path ROOT = ProjectFiles.root();

    @Test
    void theReadmeAndEveryDocsPage_linkAndNameOnlyWhatExists() throws Exception {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(page -> page.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> problems = new ArrayList<>();
        for (Path page : pages) {
            problems.addAll(DocsCheck.problems(ROOT, page));
        }

        assertThat(pages)
                .extracting(page -> ROOT.relativize(page).toString())
                .contains(
                        "README.md",
                        "docs/operating.md",
                        "docs/proxies.md",
                        "docs/deploying.md",
                        "docs/security.md",
                        "docs/architecture.md",
                        "docs/benchmarks.md");
        assertThat(problems).isEmpty();
    }

    @Test
    void theReadme_staysShort_andKeepsTheTwoQuickStartCommands() throws Exception {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));

        assertThat(readme.size()).isLessThanOrEqualTo(250);
        assertThat(readme)
                .anyMatch(line -> line.startsWith("infra/local-run "))
                .anyMatch(line -> line.startsWith("infra/test "));
    }

    @Test
    void aBrokenLink_aMissingCommand_andACommandThatCannotRun_areEachReported(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("docs"));
        Files.createDirectories(root.resolve("infra"));
        Files.writeString(root.resolve("infra/not-executable"), "#!/bin/sh\n");
        Files.writeString(root.resolve("docs/here.png"), "");
        Path page = root.resolve("docs/page.md");
        Files.writeString(page, """
                See [the other page](other.md), <img src="here.png"> and [a site](https://example.com).
                Run `infra/local-runn`, then infra/not-executable; infra/target/classes is build output.
                """);

        assertThat(DocsCheck.problems(root, page))
                .containsExactly(
                        "docs/page.md: the link other.md points nowhere",
                        "docs/page.md: infra/local-runn does not exist",
                        "docs/page.md: infra/not-executable is named as a command but is not executable");
    }
}
