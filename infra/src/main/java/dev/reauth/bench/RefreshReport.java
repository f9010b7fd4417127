package dev.reauth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Prints what the refresh benchmark's runs did: one row per run, then the totals. */
final class RefreshReport {

    /**
     * One scheduled invocation: its wall time, the handler's summary, the AWS calls, provider calls,
     * refresh latencies, and the metric (EMF) lines it wrote.
     */
    record Row(
            long millis,
            JsonNode summary,
            AwsCallTally.Tally calls,
            int providerCalls,
            List<Long> latencies,
            List<String> metricLines) {
        int refreshed() {
            return summary.path("refreshed").asInt();
        }

        long refreshCalls() {
            return calls.total() - calls.of("DynamoDb.Query");
        }
    }

    /** CloudWatch's limit on the values of one metric in one EMF log event. */
    private static final int EMF_MAX_VALUES = 100;

    private RefreshReport() {}

    static void print(PrintStream out, List<Row> rows, int timeoutSeconds, int accounts) {
        out.printf(
                "%-4s %6s %9s %6s %6s %17s %9s %15s %9s %9s   %s%n",
                "run",
                "due",
                "refreshed",
                "other",
                "left",
                "wall (of " + timeoutSeconds + " s)",
                "rate",
                "latency p50/p99",
                "AWS/acct",
                "provider",
                "finding due: queries, pages, items read");
        int n = 0;
        for (Row row : rows) {
            JsonNode s = row.summary();
            int other = s.path("current").asInt()
                    + s.path("failed").asInt()
                    + s.path("dead").asInt()
                    + s.path("throttled").asInt();
            String rate = row.refreshed() == 0 ? "-" : String.format("%.1f/s", row.refreshed() * 1000.0 / row.millis());
            String latency = row.latencies().isEmpty()
                    ? "-"
                    : percentile(row.latencies(), 50) + " / " + percentile(row.latencies(), 99) + " ms";
            String perAccount =
                    row.refreshed() == 0 ? "-" : String.format("%.2f", (double) row.refreshCalls() / row.refreshed());
            out.printf(
                    "%-4d %,6d %,9d %6d %,6d %8.1f s (%3.0f%%) %9s %15s %9s %,9d   %d, %d, %,d (examined %,d)%n",
                    ++n,
                    s.path("due").asInt(),
                    row.refreshed(),
                    other,
                    s.path("leftForNextRun").asInt(),
                    row.millis() / 1000.0,
                    row.millis() * 100.0 / (timeoutSeconds * 1000.0),
                    rate,
                    latency,
                    perAccount,
                    row.providerCalls(),
                    row.calls().queries(),
                    row.calls().queryPages(),
                    row.calls().itemsReturned(),
                    row.calls().itemsScanned());
        }
        out.println(
                "(other: current, failed, dead or throttled; left: due and actionable but not started before the run's"
                        + " last start time; latency: one account's refresh, from the EMF line's RefreshLatency)");

        out.print("metric (EMF) lines:");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            out.printf(
                    "%s run %d: %d line(s), %,d bytes, RefreshLatency %,d values",
                    i == 0 ? "" : ";",
                    i + 1,
                    row.metricLines().size(),
                    row.metricLines().stream()
                            .mapToInt(l -> l.getBytes(StandardCharsets.UTF_8).length)
                            .sum(),
                    row.latencies().size());
        }
        out.printf(
                "%n(the EMF specification: \"Numeric array metric targets MUST NOT have more than %d members\")%n",
                EMF_MAX_VALUES);

        List<Row> working = rows.stream().filter(r -> r.refreshed() > 0).toList();
        long refreshed = working.stream().mapToLong(Row::refreshed).sum();
        long millis = working.stream().mapToLong(Row::millis).sum();
        if (refreshed == 0) {
            out.println("\nnothing was refreshed");
            return;
        }
        out.printf(
                "%noverall: %,d of %,d accounts refreshed in %d run(s) with work, %.1f s of run time: %.1f refreshes/s%n",
                refreshed, accounts, working.size(), millis / 1000.0, refreshed * 1000.0 / millis);

        Map<String, Long> calls = new TreeMap<>();
        long attempts = 0;
        for (Row row : rows) {
            row.calls().calls().forEach((call, count) -> calls.merge(call, count, Long::sum));
            attempts += row.calls().attempts();
        }
        long finding = calls.getOrDefault("DynamoDb.Query", 0L);
        long refreshCalls = calls.values().stream().mapToLong(Long::longValue).sum() - finding;
        StringBuilder breakdown = new StringBuilder();
        calls.forEach((call, count) -> {
            if (!call.equals("DynamoDb.Query")) {
                breakdown
                        .append(breakdown.isEmpty() ? "" : ", ")
                        .append(call)
                        .append(' ')
                        .append(String.format("%.2f", (double) count / refreshed));
            }
        });
        out.printf(
                "AWS calls per refreshed account: %.2f (target <= 5: claim, decrypt, encrypt, write, publish): %s%n",
                (double) refreshCalls / refreshed, breakdown);
        long total = refreshCalls + finding;
        out.printf(
                "finding due accounts: %,d Query calls in %d runs; all AWS calls %,d, HTTP attempts %,d (%,d retries)%n",
                finding, rows.size(), total, attempts, attempts - total);
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(sorted.size() * p / 100.0) - 1)));
    }
}
