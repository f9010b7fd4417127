package dev.reauth.refresh;

import dev.reauth.wire.Json;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * CloudWatch Embedded Metric Format: one JSON log line per refresh run that CloudWatch turns into
 * metrics (namespace {@code reauth}, no dimensions), so no PutMetricData call and no metrics library
 * on the Lambda path. The alarms in template.yaml watch {@code RefreshFailed} and {@code AccountsDead}.
 */
public final class RefreshMetrics {

    public static final String NAMESPACE = "reauth";

    private RefreshMetrics() {
    }

    /** The line for one run's summary. */
    public static String line(Instant at, ScheduledRefresh.Summary summary) {
        String metrics = "[" + count("AccountsDue") + "," + count("Refreshed") + "," + count("RefreshFailed") + ","
                + count("AccountsDead") + "," + count("RefreshThrottled") + "," + count("LeftForNextRun") + ","
                + "{\"Name\":\"RefreshLatency\",\"Unit\":\"Milliseconds\"}]";
        String aws = "{\"Timestamp\":" + at.toEpochMilli() + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + NAMESPACE
                + "\",\"Dimensions\":[[]],\"Metrics\":" + metrics + "}]}";
        return Json.object()
                .putRaw("_aws", aws)
                .put("AccountsDue", summary.due())
                .put("Refreshed", summary.refreshed())
                .put("RefreshFailed", summary.failed())
                .put("AccountsDead", summary.dead())
                .put("RefreshThrottled", summary.throttled())
                .put("LeftForNextRun", summary.leftForNextRun())
                .putRaw("RefreshLatency", summary.latenciesMillis().stream().map(String::valueOf)
                        .collect(Collectors.joining(",", "[", "]")))
                .toJson();
    }

    /** Writes the line to standard output, where Lambda's log agent picks it up. */
    public static void emit(Instant at, ScheduledRefresh.Summary summary) {
        System.out.println(line(at, summary));
    }

    private static String count(String name) {
        return "{\"Name\":\"" + name + "\",\"Unit\":\"Count\"}";
    }
}
