package dev.reauth.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON for the Lambda path on jackson-core's streaming API alone: objects read into plain maps and
 * lists, objects written field by field. Data binding (jackson-databind) loads hundreds of classes
 * at cold start for what here are small, flat documents.
 */
public final class Json {

    /** The largest string in an ordinary document: bodies, token responses, messages. */
    public static final int MAX_STRING_LENGTH = 64 * 1024;
    /** The largest string in an envelope that carries a whole payload: API Gateway sends bodies up to 10 MB. */
    public static final int MAX_ENVELOPE_STRING_LENGTH = 10 * 1024 * 1024;

    private static final JsonFactory FACTORY = factory(MAX_STRING_LENGTH);
    private static final JsonFactory ENVELOPES = factory(MAX_ENVELOPE_STRING_LENGTH);

    private static JsonFactory factory(int maxStringLength) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(maxStringLength)
                        .build())
                .build();
    }

    private Json() {}

    /** The text is not a JSON object. The message never quotes the text (it may hold secrets). */
    public static final class NotAnObject extends Exception {
        NotAnObject(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses a JSON object. Values become String, Long or BigDecimal, Boolean, null, Map or List.
     *
     * @throws NotAnObject when the text is not exactly one JSON object
     */
    public static Map<String, Object> parseObject(String text) throws NotAnObject {
        return parseObject(FACTORY, text);
    }

    /**
     * Parses an envelope whose string fields may carry a whole payload (an API Gateway event and its
     * body): strings up to {@link #MAX_ENVELOPE_STRING_LENGTH}. The payload's own limits are the caller's.
     */
    public static Map<String, Object> parseEnvelope(String text) throws NotAnObject {
        return parseObject(ENVELOPES, text);
    }

    private static Map<String, Object> parseObject(JsonFactory factory, String text) throws NotAnObject {
        if (text == null || text.isBlank()) {
            throw new NotAnObject("empty");
        }
        try (JsonParser parser = factory.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new NotAnObject("not a JSON object");
            }
            Map<String, Object> object = readObject(parser);
            if (parser.nextToken() != null) {
                throw new NotAnObject("trailing content after the JSON object");
            }
            return object;
        } catch (IOException e) {
            // the parser's message quotes the input
            throw new NotAnObject("malformed JSON");
        }
    }

    /** Parses a JSON object, or empty when the text is not one. */
    public static Optional<Map<String, Object>> parseObjectOrEmpty(String text) {
        try {
            return Optional.of(parseObject(text));
        } catch (NotAnObject e) {
            return Optional.empty();
        }
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException {
        Map<String, Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            object.put(name, readValue(parser));
        }
        return object;
    }

    private static Object readValue(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(parser));
                }
                yield list;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT ->
                parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? new BigDecimal(parser.getBigIntegerValue())
                        : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected token");
        };
    }

    /** A string field, when present and a string. */
    public static Optional<String> string(Map<String, Object> object, String field) {
        return object.get(field) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** A nested object, or an empty one when absent or not an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, Object> object, String field) {
        return object.get(field) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A nested object's string values (non-strings dropped), empty when absent. */
    public static Map<String, String> strings(Map<String, Object> object, String field) {
        Map<String, String> strings = new LinkedHashMap<>();
        object(object, field).forEach((k, v) -> {
            if (v instanceof String s) {
                strings.put(k, s);
            }
        });
        return strings;
    }

    /** Starts writing a JSON object. */
    public static ObjectWriter object() {
        return new ObjectWriter();
    }

    /** Writes one JSON object, field by field, in order. */
    public static final class ObjectWriter {
        private final StringWriter out = new StringWriter(256);
        private final JsonGenerator generator;

        private ObjectWriter() {
            try {
                generator = FACTORY.createGenerator(out);
                generator.writeStartObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public ObjectWriter put(String name, String value) {
            try {
                if (value == null) {
                    generator.writeNullField(name);
                } else {
                    generator.writeStringField(name, value);
                }
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A nested object of string values. */
        public ObjectWriter put(String name, Map<String, String> values) {
            try {
                generator.writeObjectFieldStart(name);
                for (Map.Entry<String, String> entry : values.entrySet()) {
                    generator.writeStringField(entry.getKey(), entry.getValue());
                }
                generator.writeEndObject();
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A field whose value is JSON the caller wrote (and vouches for). */
        public ObjectWriter putRaw(String name, String json) {
            try {
                generator.writeFieldName(name);
                generator.writeRawValue(json);
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public ObjectWriter putIfPresent(String name, Optional<String> value) {
            return value.isPresent() ? put(name, value.get()) : this;
        }

        public ObjectWriter put(String name, long value) {
            try {
                generator.writeNumberField(name, value);
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public ObjectWriter put(String name, boolean value) {
            try {
                generator.writeBooleanField(name, value);
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Ends the object and returns its text; call once. */
        public String toJson() {
            try {
                generator.writeEndObject();
                generator.close();
                return out.toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
