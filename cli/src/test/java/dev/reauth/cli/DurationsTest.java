package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parse_acceptsOperatorShorthandAndIso() {
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(Durations.parse("PT45M")).isEqualTo(Duration.ofMinutes(45));
    }

    @Test
    void parse_refusesGarbage() {
        assertThatThrownBy(() -> Durations.parse("soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("try 30m");
        assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void human_showsTheTwoLargestUnits() {
        assertThat(Durations.human(Duration.ofMinutes(432))).isEqualTo("7h 12m");
        assertThat(Durations.human(Duration.ofHours(76))).isEqualTo("3d 4h");
        assertThat(Durations.human(Duration.ofMinutes(-45))).isEqualTo("45m");
        assertThat(Durations.human(Duration.ofSeconds(30))).isEqualTo("30s");
    }
}
