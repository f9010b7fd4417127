package dev.reauth.refresh;

import dev.reauth.wire.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * CloudWatch Embedded Metric Format: the JSON log lines per refresh run that CloudWatch turns into
 * metrics (namespace {@code reauth}, no dimensions), so no PutMetricData call and no metrics library
 * on the Lambda path. The alarms in template.yaml watch {@code RefreshFailed}, {@code AccountsDead},
 * {@code RescuePending} and the absence of {@code RefreshHeartbeat}.
 * EMF allows at most {@value #MAX_VALUES} values in one metric's array, so a run's latencies are
 * spread over as many lines as that takes; a run with none declares no latency at all.
 */
public final class RefreshMetrics {

    public static final String NAMESPACE = "reauth";
    /** 1 per run: the alarm on its absence (missing data breaches) notices a refresher that stopped. */
    public static final String HEARTBEAT = "RefreshHeartbeat";
    /** The EMF specification's bound on a numeric array metric. */
    static final int MAX_VALUES = 100;

    private RefreshMetrics() {}

    /** The lines for one run's summary: the counts and the first latencies, then further latencies. */
    public static List<String> lines(Instant at, RunSummary summary) {
        List<Long> latencies = summary.latenciesMillis();
        List<String> lines = new ArrayList<>();
        List<Long> first = latencies.subList(0, Math.min(MAX_VALUES, latencies.size()));
        Json.ObjectWriter counts = Json.object()
                .putRaw("_aws", directive(at, true, !first.isEmpty()))
                .put("AccountsDue", summary.due())
                .put("Refreshed", summary.refreshed())
                .put("RefreshFailed", summary.failed())
                .put("AccountsDead", summary.dead())
                .put("RefreshThrottled", summary.throttled())
                .put("LeftForNextRun", summary.leftForNextRun())
                .put("RescueLanded", summary.rescueLanded())
                .put("RescuePending", summary.rescuePending())
                .put(HEARTBEAT, 1);
        if (!first.isEmpty()) {
            counts.putRaw("RefreshLatency", array(first));
        }
        lines.add(counts.toJson());
        for (int from = MAX_VALUES; from < latencies.size(); from += MAX_VALUES) {
            lines.add(Json.object()
                    .putRaw("_aws", directive(at, false, true))
                    .putRaw(
                            "RefreshLatency",
                            array(latencies.subList(from, Math.min(from + MAX_VALUES, latencies.size()))))
                    .toJson());
        }
        return lines;
    }

    /** Writes the lines to standard output, where Lambda's log agent picks them up. */
    public static void emit(Instant at, RunSummary summary) {
        lines(at, summary).forEach(System.out::println);
    }

    private static String directive(Instant at, boolean counts, boolean latency) {
        List<String> metrics = new ArrayList<>();
        if (counts) {
            for (String name : List.of(
                    "AccountsDue",
                    "Refreshed",
                    "RefreshFailed",
                    "AccountsDead",
                    "RefreshThrottled",
                    "LeftForNextRun",
                    "RescueLanded",
                    "RescuePending",
                    HEARTBEAT)) {
                metrics.add("{\"Name\":\"" + name + "\",\"Unit\":\"Count\"}");
            }
        }
        if (latency) {
            metrics.add("{\"Name\":\"RefreshLatency\",\"Unit\":\"Milliseconds\"}");
        }
        return "{\"Timestamp\":" + at.toEpochMilli() + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + NAMESPACE
                + "\",\"Dimensions\":[[]],\"Metrics\":[" + String.join(",", metrics) + "]}]}";
    }

    private static String array(List<Long> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    /** What the metrics need of a run. */
    public interface RunSummary {
        int due();

        int refreshed();

        int failed();

        int dead();

        int throttled();

        int leftForNextRun();

        /** Rescued tokens that landed in this run. */
        int rescueLanded();

        /** Rescued tokens still waiting to land as the run ends: those its drain left, and those it deposited. */
        int rescuePending();

        List<Long> latenciesMillis();
    }
}
