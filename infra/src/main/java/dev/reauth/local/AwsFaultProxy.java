package dev.reauth.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP proxy in front of the AWS emulator that fails chosen AWS calls: functions reach it
 * through {@code AWS_ENDPOINT_URL}, and a test or benchmark decides which calls meet a 5xx or a
 * dropped connection, for how long or how often. Every other call is passed through unchanged:
 * method, path, query, headers (the SigV4 signature included) and body, and the emulator's answer
 * back the same way. Only the hop headers an HTTP client must set itself (Host, Content-Length,
 * Connection) are its own.
 *
 * <p>A call is named by what the SDK sends: the {@code X-Amz-Target} header of the JSON protocols
 * ({@code TrentService.Encrypt}, {@code DynamoDB_20120810.UpdateItem}, {@code AmazonSQS.SendMessage}),
 * else the {@code Action} of the query protocol (SNS: {@code sns:Publish}), and the signing service
 * of the Authorization header's credential scope ({@code kms}, {@code dynamodb}, {@code sns}, {@code sqs}).
 */
public final class AwsFaultProxy implements AutoCloseable {

    /** How a failed call fails. */
    public enum Failure {
        /** 500 with an AWS JSON error body ({@code InternalFailure}), which the SDK treats as retryable. */
        SERVER_ERROR,
        /** 503 {@code ServiceUnavailable}: the service refuses for now. */
        UNAVAILABLE,
        /** The connection is closed without an answer, as a reset or a dead endpoint looks to a client. */
        CONNECTION_RESET
    }

    /** One AWS call as the proxy sees it. */
    public record AwsCall(String service, String operation, String target) {}

    /**
     * Which calls a rule applies to: {@code "TrentService.Encrypt"} (an X-Amz-Target), {@code "kms"} (a
     * service), {@code "sns:Publish"} (service and operation), or {@code "*"} (every call).
     */
    public record Calls(String spec) {
        public Calls {
            if (spec == null || spec.isBlank()) {
                throw new IllegalArgumentException("name calls by X-Amz-Target, service, service:Operation or *");
            }
        }

        public static Calls named(String spec) {
            return new Calls(spec);
        }

        public static Calls all() {
            return new Calls("*");
        }

        boolean match(AwsCall call) {
            if (spec.equals("*")) {
                return true;
            }
            if (spec.contains(".")) {
                return spec.equals(call.target());
            }
            int colon = spec.indexOf(':');
            if (colon > 0) {
                return spec.substring(0, colon).equalsIgnoreCase(call.service())
                        && spec.substring(colon + 1).equals(call.operation());
            }
            return spec.equalsIgnoreCase(call.service());
        }
    }

    /** A fault in force: the calls it fails, how, until when (or forever), and in what share. */
    public final class Rule {
        private final Calls calls;
        private final Failure failure;
        private final Optional<Instant> until;
        private final double share;
        private final AtomicInteger failed = new AtomicInteger();

        private Rule(Calls calls, Failure failure, Optional<Instant> until, double share) {
            this.calls = calls;
            this.failure = failure;
            this.until = until;
            this.share = share;
        }

        /** How many calls this rule failed. */
        public int failed() {
            return failed.get();
        }

        /** Ends this fault now. */
        public void clear() {
            rules.remove(this);
        }

        private boolean expired(Instant now) {
            return until.isPresent() && !now.isBefore(until.get());
        }
    }

    private static final Pattern SIGNING_SERVICE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request");
    private static final Set<String> HOP_HEADERS =
            Set.of("host", "content-length", "connection", "transfer-encoding", "expect", "upgrade", "keep-alive");

    private final URI upstream;
    private final InstantSource clock;
    private final Random random;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> passed = new ConcurrentHashMap<>();
    private final AtomicInteger failedTotal = new AtomicInteger();

    private AwsFaultProxy(URI upstream, InstantSource clock, Random random) throws IOException {
        this.upstream = upstream;
        this.clock = clock;
        this.random = random;
        http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A proxy on a free loopback port in front of {@code upstream}, on the system clock. */
    public static AwsFaultProxy start(URI upstream) {
        return start(upstream, InstantSource.system(), new Random());
    }

    /** The same with a given clock (fault windows) and random source (fault shares), so tests can fix both. */
    public static AwsFaultProxy start(URI upstream, InstantSource clock, Random random) {
        try {
            return new AwsFaultProxy(upstream, clock, random);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the AWS fault proxy", e);
        }
    }

    /** What to put in {@code AWS_ENDPOINT_URL}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Fails every matching call from now on, until the rule is cleared. */
    public Rule fail(Calls calls, Failure failure) {
        return add(new Rule(calls, failure, Optional.empty(), 1.0));
    }

    /** Fails every matching call for {@code duration} from now (by this proxy's clock). */
    public Rule failFor(Calls calls, Failure failure, Duration duration) {
        return add(new Rule(calls, failure, Optional.of(clock.instant().plus(duration)), 1.0));
    }

    /** Fails {@code percent} % of matching calls, at random, until the rule is cleared. */
    public Rule failPercent(Calls calls, Failure failure, double percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be from 0 to 100");
        }
        return add(new Rule(calls, failure, Optional.empty(), percent / 100.0));
    }

    /** Ends every fault: all calls pass from now on. */
    public void clear() {
        rules.clear();
    }

    /** Calls passed through to the emulator, by X-Amz-Target (or service:Operation). */
    public int passed(String target) {
        return passed.getOrDefault(target, new AtomicInteger()).get();
    }

    /** Calls this proxy failed, all rules together. */
    public int failed() {
        return failedTotal.get();
    }

    private Rule add(Rule rule) {
        rules.add(rule);
        return rule;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            AwsCall call = identify(exchange, body);
            Optional<Rule> rule = faultFor(call);
            if (rule.isPresent()) {
                rule.get().failed.incrementAndGet();
                failedTotal.incrementAndGet();
                fail(exchange, rule.get().failure);
                return;
            }
            passed.computeIfAbsent(name(call), k -> new AtomicInteger()).incrementAndGet();
            forward(exchange, body);
        }
    }

    private Optional<Rule> faultFor(AwsCall call) {
        Instant now = clock.instant();
        for (Rule rule : rules) {
            if (rule.expired(now)) {
                rules.remove(rule);
                continue;
            }
            if (rule.calls.match(call) && (rule.share >= 1.0 || draw() < rule.share)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    private double draw() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        URI requestUri = exchange.getRequestURI();
        URI target = upstream.resolve(
                requestUri.getRawPath() + (requestUri.getRawQuery() == null ? "" : "?" + requestUri.getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IOException unreachable) {
            // the emulator itself is gone: the caller sees what it would see without the proxy
            return;
        }
        answer.headers().map().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] bytes = answer.body();
        exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void fail(HttpExchange exchange, Failure failure) throws IOException {
        switch (failure) {
            case CONNECTION_RESET -> {
                // no status line: closing the exchange unanswered drops the connection
            }
            case SERVER_ERROR -> error(exchange, 500, "InternalFailure", "injected fault: internal failure");
            case UNAVAILABLE -> error(exchange, 503, "ServiceUnavailable", "injected fault: service unavailable");
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        byte[] bytes =
                ("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static AwsCall identify(HttpExchange exchange, byte[] body) {
        String authorization = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))
                .orElse("");
        Matcher scope = SIGNING_SERVICE.matcher(authorization);
        String service = scope.find() ? scope.group(1) : "";
        String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target"))
                .orElse("");
        String operation =
                target.contains(".") ? target.substring(target.lastIndexOf('.') + 1) : queryAction(exchange, body);
        return new AwsCall(service, operation, target);
    }

    private static String queryAction(HttpExchange exchange, byte[] body) {
        String form = new String(body, StandardCharsets.UTF_8);
        String query = exchange.getRequestURI().getRawQuery();
        for (String source : new String[] {form, query == null ? "" : query}) {
            for (String pair : source.split("&")) {
                if (pair.startsWith("Action=")) {
                    return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                }
            }
        }
        return "";
    }

    private static String name(AwsCall call) {
        return call.target().isEmpty() ? call.service() + ":" + call.operation() : call.target();
    }

    @Override
    public void close() {
        server.stop(0);
        http.close();
        executor.shutdownNow();
    }
}
