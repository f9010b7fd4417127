package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckNamesCommandTest {

    @RegisterExtension
    final CliRun cli = new CliRun();

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(cli.apiUrl());
        return cli.runRaw("", all.toArray(String[]::new));
    }

    @Test
    void checkNames_listsTheAccountsTheStackMarksOutsideTheRule_withTheirIds_andExit9() {
        cli.api()
                .answer(
                        "GET /accounts",
                        200,
                        "{\"accounts\":[{\"id\":\"id-1\",\"name\":\"work\"},"
                                + "{\"id\":\"id-2\",\"name\":\"team/old\",\"nameOutsideRule\":true},"
                                + "{\"id\":\"id-3\",\"name\":\"evil\\u202egnp\",\"nameOutsideRule\":true}]}");

        assertThat(run("check-names")).isEqualTo(9);

        assertThat(cli.out())
                .contains("2 of 3 account names are outside the rule for new names")
                .contains("  'team/old' (id id-2)")
                .contains("  'evilgnp' (id id-3)")
                .doesNotContain("\u202e")
                .doesNotContain("'work'");
    }

    @Test
    void checkNames_whenEveryNameIsWithinTheRule_saysSo_andExit0() {
        cli.api().answer("GET /accounts", 200, "{\"accounts\":[{\"id\":\"id-1\",\"name\":\"work\"}]}");

        assertThat(run("check-names")).isZero();

        assertThat(cli.out()).contains("All 1 account names are within the rule for new names.");
    }
}
