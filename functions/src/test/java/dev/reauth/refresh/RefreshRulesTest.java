package dev.reauth.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.wire.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RefreshRulesTest {

    @Test
    void backoff_doublesFromOneMinute_andStopsAtThirty() {
        assertThat(RefreshService.backoff(0)).isEqualTo(Duration.ofMinutes(1));
        assertThat(RefreshService.backoff(1)).isEqualTo(Duration.ofMinutes(2));
        assertThat(RefreshService.backoff(3)).isEqualTo(Duration.ofMinutes(8));
        assertThat(RefreshService.backoff(5)).isEqualTo(Duration.ofMinutes(30));
        assertThat(RefreshService.backoff(60)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void refreshScopes_areTheLoginScopesLessApiKeyCreation() {
        assertThat(RefreshService.refreshScopes(List.of("org:create_api_key", "user:profile", "user:inference")))
                .containsExactly("user:profile", "user:inference");
    }

    @Test
    void refreshScopes_comeFromWhatTheAccountWasGranted_notFromTodaysLoginList() {
        List<String> configured = List.of("user:profile", "user:inference", "user:sessions:claude_code");
        dev.reauth.wire.TokenBundle granted = new dev.reauth.wire.TokenBundle(
                "a", "r", "Bearer", Optional.of("org:create_api_key user:profile  user:inference"), Optional.empty());
        dev.reauth.wire.TokenBundle recordedNone =
                new dev.reauth.wire.TokenBundle("a", "r", "Bearer", Optional.empty(), Optional.empty());

        assertThat(RefreshService.scopesFor(granted, configured)).containsExactly("user:profile", "user:inference");
        assertThat(RefreshService.scopesFor(recordedNone, configured)).isEqualTo(configured);
    }

    @Test
    void bucket_isStablePerAccount_andWithinRange() {
        assertThat(RefreshBucket.of("5f0c7a1e-demo", 4)).isEqualTo(RefreshBucket.of("5f0c7a1e-demo", 4));
        assertThat(RefreshBucket.all(4)).contains(RefreshBucket.of("any-id", 4)).hasSize(4);
        assertThat(RefreshBucket.all(1)).containsExactly("b0");
    }

    @Test
    void dueAccount_isNotActionable_whileBackingOff_orLeased() {
        Instant now = Instant.parse("2026-11-27T12:00:00Z");
        DueAccount free = new DueAccount("id", "n", 1, now, Optional.empty(), Optional.empty(), Set.of());
        DueAccount backingOff =
                new DueAccount("id", "n", 1, now, Optional.of(now.plusSeconds(60)), Optional.empty(), Set.of());
        DueAccount leased =
                new DueAccount("id", "n", 1, now, Optional.empty(), Optional.of(now.plusSeconds(60)), Set.of());
        DueAccount leaseOver =
                new DueAccount("id", "n", 1, now, Optional.of(now), Optional.of(now.minusSeconds(1)), Set.of());

        assertThat(free.isActionableAt(now)).isTrue();
        assertThat(backingOff.isActionableAt(now)).isFalse();
        assertThat(leased.isActionableAt(now)).isFalse();
        assertThat(leaseOver.isActionableAt(now)).isTrue();
    }

    @Test
    void metricsLine_isEmbeddedMetricFormat_declaringEveryValueItCarries() throws Exception {
        ScheduledRefresh.Summary summary = new ScheduledRefresh.Summary(7, 4, 1, 1, 1, 0, 2, List.of(120L, 340L));

        List<String> lines = RefreshMetrics.lines(Instant.ofEpochMilli(1_800_000_000_000L), summary);
        assertThat(lines).hasSize(1);
        Map<String, Object> line = Json.parseObject(lines.getFirst());

        Map<String, Object> aws = Json.object(line, "_aws");
        assertThat(aws.get("Timestamp")).isEqualTo(1_800_000_000_000L);
        @SuppressWarnings("unchecked")
        Map<String, Object> directive = ((List<Map<String, Object>>) aws.get("CloudWatchMetrics")).getFirst();
        assertThat(directive.get("Namespace")).isEqualTo("reauth");
        @SuppressWarnings("unchecked")
        List<String> declared = ((List<Map<String, Object>>) directive.get("Metrics"))
                .stream().map(m -> (String) m.get("Name")).toList();
        assertThat(declared)
                .containsExactlyInAnyOrder(
                        "AccountsDue",
                        "Refreshed",
                        "RefreshFailed",
                        "AccountsDead",
                        "RefreshThrottled",
                        "LeftForNextRun",
                        "RescueLanded",
                        "RescuePending",
                        "RefreshHeartbeat",
                        "RefreshLatency");
        assertThat(line)
                .containsEntry("AccountsDue", 7L)
                .containsEntry("Refreshed", 4L)
                .containsEntry("RefreshFailed", 1L)
                .containsEntry("AccountsDead", 1L)
                .containsEntry("LeftForNextRun", 2L)
                .containsEntry("RefreshHeartbeat", 1L)
                .containsEntry("RefreshLatency", List.of(120L, 340L));
        declared.forEach(name -> assertThat(line).containsKey(name));
    }

    @Test
    void metricLines_carryAtMostAHundredLatenciesEach_asTheFormatAllows_andAllOfThem() throws Exception {
        List<Long> latencies = LongStream.range(0, 250).boxed().toList();
        ScheduledRefresh.Summary summary = new ScheduledRefresh.Summary(250, 250, 0, 0, 0, 0, 0, latencies);

        List<String> lines = RefreshMetrics.lines(Instant.ofEpochMilli(1_800_000_000_000L), summary);

        assertThat(lines).hasSize(3);
        List<Object> all = new ArrayList<>();
        for (String text : lines) {
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) Json.parseObject(text).get("RefreshLatency");
            assertThat(values).hasSizeLessThanOrEqualTo(100);
            all.addAll(values);
        }
        assertThat(all)
                .hasSize(250)
                .containsExactlyElementsOf(
                        latencies.stream().map(v -> (Object) v).toList());
        // the counts are declared once, on the first line
        assertThat(Json.parseObject(lines.get(1))).doesNotContainKey("Refreshed");
    }

    @Test
    void metricLine_ofAnIdleRun_declaresNoLatency() throws Exception {
        ScheduledRefresh.Summary idle = new ScheduledRefresh.Summary(0, 0, 0, 0, 0, 0, 0, List.of());

        List<String> lines = RefreshMetrics.lines(Instant.ofEpochMilli(1_800_000_000_000L), idle);

        assertThat(lines).singleElement().satisfies(text -> {
            assertThat(text).doesNotContain("RefreshLatency");
            assertThat(Json.parseObject(text)).containsEntry("AccountsDue", 0L);
            // an idle run still beats: only a refresher that stopped leaves the heartbeat missing
            assertThat(Json.parseObject(text)).containsEntry("RefreshHeartbeat", 1L);
        });
    }
}
