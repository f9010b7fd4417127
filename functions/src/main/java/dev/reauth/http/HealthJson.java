package dev.reauth.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.reauth.domain.Health;
import dev.reauth.domain.HealthRules;
import dev.reauth.domain.RefreshHealth.NotedAlert;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The stack's health verdict as {@code GET /accounts} serves it: per account, and the rules it was judged by. */
final class HealthJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private HealthJson() {}

    /** An account's {@code health} object: every field present, null when unknown. */
    static String verdict(Health health, List<NotedAlert> recentAlerts) {
        return write(json -> {
            json.writeStringField("state", health.state().wire());
            json.writeArrayFieldStart("reasons");
            for (String reason : health.reasons()) {
                json.writeString(reason);
            }
            json.writeEndArray();
            json.writeStringField("summary", health.summary());
            json.writeStringField("fix", health.fix().orElse(null));
            instant(json, "nextDueAt", health.nextDueAt());
            instant(json, "lastSuccessAt", health.lastSuccessAt());
            instant(json, "lastAttemptAt", health.lastAttemptAt());
            json.writeStringField(
                    "lastAttemptResult", health.lastAttemptResult().orElse(null));
            json.writeArrayFieldStart("recentAlerts");
            for (NotedAlert alert : recentAlerts) {
                json.writeStartObject();
                json.writeStringField("kind", alert.kind());
                instant(json, "at", alert.at());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    /** The settings the verdicts were judged by, and when. */
    static String rules(HealthRules rules, Instant now) {
        return write(json -> {
            json.writeStringField("evaluatedAt", now.toString());
            json.writeNumberField("leadSeconds", rules.lead().toSeconds());
            json.writeNumberField(
                    "schedulePeriodSeconds", rules.schedulePeriod().toSeconds());
            json.writeNumberField("overdueAfterSeconds", rules.overdueAfter().toSeconds());
            json.writeNumberField("failingAfter", rules.failingAfter());
            json.writeNumberField(
                    "expiringWithinSeconds", rules.expiringWithin().toSeconds());
        });
    }

    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(Fields fields) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void instant(JsonGenerator json, String name, Optional<Instant> at) throws IOException {
        json.writeStringField(name, at.map(Instant::toString).orElse(null));
    }
}
