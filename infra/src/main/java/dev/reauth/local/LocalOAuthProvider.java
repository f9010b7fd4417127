package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.TokenRequestFormat;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * A local OAuth provider that behaves like Anthropic's where it matters: a real authorization
 * server (no.nav.security mock-oauth2-server, which enforces PKCE and single-use codes) behind a
 * small front that speaks Anthropic's dialect — a JSON token request that must carry {@code state},
 * a code page showing {@code code#state} to paste, the console API-key endpoint, and the
 * {@code account} and {@code organization} of the login in every token response, and the profile
 * endpoint that names them for an access token ({@link ProfileEndpoint}).
 * Loopback only.
 */
public final class LocalOAuthProvider implements AutoCloseable {

    public static final String ISSUER = "anthropic";
    public static final String CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockOAuth2Server authorizationServer = new MockOAuth2Server();
    private final HttpServer front;
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final Set<String> issuedAccessTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> secretsSeen = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    /** Who logged in for each code not yet exchanged; a code from a real browser login is {@link Login#OWNER}'s. */
    private final Map<String, Login> loginsByCode = new ConcurrentHashMap<>();
    /** The scopes each code's login asked for: a custom expires_in is granted for some only. */
    private final Map<String, String> scopesByCode = new ConcurrentHashMap<>();
    /** The allowed custom access-token lifetimes code exchanges asked for, in seconds. */
    private final List<Long> customLifetimesGranted = new CopyOnWriteArrayList<>();

    private final RefreshGrants refreshGrants = new RefreshGrants();
    private final ProfileEndpoint profile = new ProfileEndpoint(refreshGrants);
    private final List<TokenCall> tokenCalls = new CopyOnWriteArrayList<>();
    private volatile boolean requireUserAgent = true;

    /** A request that reached the token endpoint: when, and the User-Agent it sent ("" for none). */
    public record TokenCall(Instant at, String userAgent) {}

    /** A provider account, as the token response names it. */
    public record Login(String accountUuid, String email, String organizationUuid, String organizationName) {
        /** The account every login is unless a test says otherwise. */
        public static final Login OWNER = of("owner@example.com");

        /** A login by this email address, with a stable uuid derived from it. */
        public static Login of(String email) {
            return new Login(
                    UUID.nameUUIDFromBytes(email.getBytes(StandardCharsets.UTF_8))
                            .toString(),
                    email,
                    "org-" + UUID.nameUUIDFromBytes(("org:" + email).getBytes(StandardCharsets.UTF_8)),
                    "Local Org");
        }
    }

    private LocalOAuthProvider() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        authorizationServer.start(loopback, 0);
        front = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        front.setExecutor(Executors.newFixedThreadPool(
                8, Thread.ofPlatform().daemon().name("local-oauth-", 0).factory()));
        front.createContext("/v1/oauth/token", this::token);
        front.createContext("/v1/oauth/token/revoke", this::revoke);
        front.createContext("/oauth/code/callback", this::codePage);
        front.createContext("/api/oauth/claude_cli/create_api_key", this::createApiKey);
        front.createContext("/api/oauth/profile", profile::handle);
        front.start();
    }

    public static LocalOAuthProvider start() {
        try {
            return new LocalOAuthProvider();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the local OAuth provider", e);
        }
    }

    /** The provider configuration pointing at this server, in the Anthropic dialect. */
    public ProviderConfig providerConfig() {
        URI authorize = authorizationServer.authorizationEndpointUrl(ISSUER).uri();
        return new ProviderConfig(
                CLIENT_ID,
                authorize,
                authorize,
                frontUrl("/v1/oauth/token"),
                frontUrl("/oauth/code/callback").toString(),
                List.of("openid", "user:profile", "user:inference"),
                TokenRequestFormat.JSON,
                Optional.of(frontUrl("/api/oauth/claude_cli/create_api_key")),
                Map.of("code", "true"));
    }

    /** The same configuration as the functions' OAUTH_* environment variables. */
    public Map<String, String> environment() {
        ProviderConfig config = providerConfig();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OAUTH_CLIENT_ID", config.clientId());
        env.put("OAUTH_AUTHORIZE_URL", config.authorizeUrlMax().toString());
        env.put("OAUTH_CONSOLE_AUTHORIZE_URL", config.authorizeUrlConsole().toString());
        env.put("OAUTH_TOKEN_URL", config.tokenUrl().toString());
        env.put("OAUTH_REDIRECT_URI", config.redirectUri());
        env.put("OAUTH_SCOPES", String.join(" ", config.scopes()));
        env.put("OAUTH_TOKEN_REQUEST_FORMAT", "json");
        env.put("OAUTH_API_KEY_URL", config.apiKeyUrl().orElseThrow().toString());
        env.put("OAUTH_AUTHORIZE_EXTRA_PARAMS", "code=true");
        env.put("OAUTH_PROFILE_URL", profileUrl().toString());
        return env;
    }

    /** The authorization server's own RFC 6749 token endpoint (form-encoded requests). */
    public URI standardTokenUrl() {
        return authorizationServer.tokenEndpointUrl(ISSUER).uri();
    }

    /** What the provider's redirect carried after a (non-interactive) login. */
    public record Authorization(String code, String state) {
        /** The value the provider's code page shows for pasting. */
        public String pasted() {
            return code + "#" + state;
        }

        @Override
        public String toString() {
            return "Authorization[***]";
        }
    }

    /** Plays the user's browser: opens the authorization URL and reads the code the provider redirects with. */
    public Authorization authorize(String authorizationUrl) {
        return authorize(authorizationUrl, Login.OWNER);
    }

    /** The same, logged in as {@code login}: the token response for the code names that provider account. */
    public Authorization authorize(String authorizationUrl, Login login) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(withOpenId(authorizationUrl)))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = response.headers()
                    .firstValue("Location")
                    .orElseThrow(() -> new IllegalStateException(
                            "the authorization server answered " + response.statusCode() + " without a redirect"));
            Map<String, String> query = query(URI.create(location).getRawQuery());
            Authorization authorization = new Authorization(query.get("code"), query.get("state"));
            if (authorization.code() != null) {
                loginsByCode.put(authorization.code(), login);
                scopesByCode.put(
                        authorization.code(),
                        query(URI.create(authorizationUrl).getRawQuery()).getOrDefault("scope", ""));
            }
            secretsSeen.add(authorization.code());
            secretsSeen.add(authorization.state());
            return authorization;
        } catch (IOException e) {
            throw new IllegalStateException("the authorization server could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every request that reached the token endpoint, in order: when it came and its User-Agent. */
    public List<TokenCall> tokenCalls() {
        return List.copyOf(tokenCalls);
    }

    /** The custom access-token lifetimes (seconds) code exchanges asked for and were granted. */
    public List<Long> customLifetimesGranted() {
        return List.copyOf(customLifetimesGranted);
    }

    /** Whether a token request without a User-Agent is answered 429 (the default, as the provider does). */
    public void requireUserAgent(boolean required) {
        requireUserAgent = required;
    }

    /** The profile endpoint's URL ({@code OAUTH_PROFILE_URL}): whose an access token is. */
    public URI profileUrl() {
        return frontUrl("/api/oauth/profile");
    }

    /** The profile endpoint: its calls, and faults for the next ones. */
    public ProfileEndpoint profile() {
        return profile;
    }

    /** The revoke endpoint's URL ({@code OAUTH_REVOKE_URL}). */
    public URI revokeUrl() {
        return frontUrl("/v1/oauth/token/revoke");
    }

    /**
     * {@code POST /v1/oauth/token/revoke}, JSON {@code {"token", "token_type_hint", "client_id"}}, as
     * the official client calls it for the grant a new login replaces: 200 whether or not the token
     * was live (RFC 7009 §2.2), 400 for a malformed request.
     */
    private void revoke(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body;
            try {
                body = JSON.readTree(readBody(exchange.getRequestBody()));
            } catch (IOException e) {
                body = null;
            }
            if (!"POST".equals(exchange.getRequestMethod())
                    || body == null
                    || body.path("token").asText().isEmpty()
                    || !CLIENT_ID.equals(body.path("client_id").asText())) {
                respond(exchange, 400, error("invalid_request", "POST token and client_id as JSON"));
                return;
            }
            refreshGrants.revokeAtEndpoint(body.path("token").asText());
            respond(exchange, 200, "{}");
        }
    }

    private static String rateLimitError() {
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", "rate_limit_error").put("message", "Rate limited");
        return body.toString();
    }

    /**
     * The authorization server underneath (mock-oauth2-server) refuses a login without the
     * {@code openid} scope, which Anthropic's does not need: it is added on the way there only, and
     * the scopes the login asked for are what the provider's rules see.
     */
    static String withOpenId(String authorizationUrl) {
        URI uri = URI.create(authorizationUrl);
        String scope = query(uri.getRawQuery()).get("scope");
        if (scope == null || Arrays.asList(scope.split(" ")).contains("openid")) {
            return authorizationUrl;
        }
        return authorizationUrl.replaceFirst("([?&])scope=", "$1scope=openid+");
    }

    /** How many token requests reached this provider. */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** Every code, state, token and API key this provider handed out, for checking that none leaked. */
    public Set<String> secretsSeen() {
        return Set.copyOf(secretsSeen);
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            tokenRequests.incrementAndGet();
            String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
            tokenCalls.add(new TokenCall(Instant.now(), userAgent == null ? "" : userAgent));
            if (requireUserAgent && (userAgent == null || userAgent.isBlank())) {
                // as the provider answers a client it does not recognise (anthropic-oauth.md, 2026)
                exchange.getResponseHeaders().set("Retry-After", "60");
                respond(exchange, 429, rateLimitError());
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (!"POST".equals(exchange.getRequestMethod())
                    || contentType == null
                    || !contentType.startsWith("application/json")) {
                respond(exchange, 400, error("invalid_request", "POST a JSON body"));
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(readBody(exchange.getRequestBody()));
            } catch (IOException e) {
                respond(exchange, 400, error("invalid_request", "malformed JSON"));
                return;
            }
            String grant = body.path("grant_type").asText();
            Map<String, String> form = new LinkedHashMap<>();
            Login login = Login.OWNER;
            Duration customLifetime = null;
            form.put("grant_type", grant);
            form.put("client_id", body.path("client_id").asText());
            if ("authorization_code".equals(grant)) {
                if (body.path("state").asText().isEmpty()) {
                    // Anthropic's endpoint refuses an exchange without state
                    respond(exchange, 400, error("invalid_request", "state is required"));
                    return;
                }
                form.put("code", body.path("code").asText());
                login = loginsByCode.getOrDefault(body.path("code").asText(), Login.OWNER);
                if (body.has("expires_in")) {
                    // the provider's rule: a custom lifetime, up to a year, only for these scopes
                    String scopes = scopesByCode.getOrDefault(body.path("code").asText(), "");
                    long asked = body.path("expires_in").asLong(-1);
                    boolean allowed = !scopes.isBlank()
                            && Arrays.stream(scopes.trim().split("\\s+"))
                                    .allMatch(ProviderConfig.LONG_LIVED_SCOPES::contains);
                    if (!allowed || asked <= 0 || asked > ProviderConfig.MAX_CUSTOM_EXPIRES_IN_SECONDS) {
                        respond(
                                exchange,
                                400,
                                error("invalid_request", "Custom expires_in not allowed for scope " + scopes));
                        return;
                    }
                    customLifetime = Duration.ofSeconds(asked);
                    customLifetimesGranted.add(asked);
                }
                form.put("redirect_uri", body.path("redirect_uri").asText());
                form.put("code_verifier", body.path("code_verifier").asText());
            } else if ("refresh_token".equals(grant)) {
                refresh(exchange, body);
                return;
            } else {
                respond(exchange, 400, error("unsupported_grant_type", "unsupported grant_type"));
                return;
            }
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(standardTokenUrl())
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(ProviderConfig.formEncode(form)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                ObjectNode tokens = (ObjectNode) JSON.readTree(answer.body());
                tokens.put(
                        "expires_in",
                        refreshGrants.issued(
                                tokens.path("access_token").asText(),
                                tokens.path("refresh_token").asText(),
                                login,
                                customLifetime));
                refreshGrants
                        .refreshTokenExpiresIn(tokens.path("refresh_token").asText())
                        .ifPresent(left -> tokens.put("refresh_token_expires_in", left));
                issuedAccessTokens.add(tokens.path("access_token").asText());
                secretsSeen.add(tokens.path("access_token").asText());
                secretsSeen.add(tokens.path("refresh_token").asText());
                // Anthropic names the provider account that logged in
                tokens.putObject("account").put("uuid", login.accountUuid()).put("email_address", login.email());
                tokens.putObject("organization")
                        .put("uuid", login.organizationUuid())
                        .put("name", login.organizationName());
                respond(exchange, 200, tokens.toString());
                return;
            }
            respond(exchange, answer.statusCode(), answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The refresh grant, under {@link RefreshGrants}' rotation rules. */
    private void refresh(HttpExchange exchange, JsonNode body) throws IOException, InterruptedException {
        Optional<String> scope = Optional.of(body.path("scope").asText()).filter(s -> !s.isBlank());
        Object answer = refreshGrants.redeem(body.path("refresh_token").asText(), scope);
        if (answer instanceof RefreshGrants.Refusal refusal) {
            Thread.sleep(refusal.delay());
            refusal.retryAfter()
                    .ifPresent(
                            wait -> exchange.getResponseHeaders().set("Retry-After", Long.toString(wait.toSeconds())));
            if (refusal.html()) {
                byte[] page = "<!doctype html><title>403 Forbidden</title><h1>Access denied</h1>"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(403, page.length);
                exchange.getResponseBody().write(page);
                return;
            }
            String description = refusal.description()
                    .orElse(refusal.status() == 400 ? "Refresh token not found or invalid" : "try again later");
            respond(exchange, refusal.status(), error(refusal.error(), description));
            refreshGrants.answered(new RefreshGrants.Answered(false, Optional.empty()));
            return;
        }
        if (answer instanceof RefreshGrants.Rotated rotated) {
            answerAfterRotation(exchange, rotated);
            return;
        }
        respond(exchange, 200, grantBody((RefreshGrants.Grant) answer).toString());
        refreshGrants.answered(new RefreshGrants.Answered(true, Optional.empty()));
    }

    /** A granted refresh whose answer meets one of {@link RefreshGrants.AfterRotation}'s faults. */
    private void answerAfterRotation(HttpExchange exchange, RefreshGrants.Rotated rotated)
            throws IOException, InterruptedException {
        ObjectNode tokens = grantBody(rotated.grant());
        try {
            switch (rotated.fault()) {
                case SERVER_ERROR -> respond(exchange, 500, error("server_error", "try again later"));
                case SLOW -> {
                    Thread.sleep(rotated.delay());
                    respond(exchange, 200, tokens.toString());
                }
                case LOST -> {
                    // closing the exchange unanswered drops the connection: the rotated tokens go nowhere
                }
                case NO_ACCESS_TOKEN ->
                    respond(exchange, 200, tokens.without("access_token").toString());
                case NO_EXPIRES_IN ->
                    respond(exchange, 200, tokens.without("expires_in").toString());
                case NO_INFERENCE_SCOPE ->
                    respond(exchange, 200, tokens.put("scope", "user:profile").toString());
            }
        } catch (IOException callerGone) {
            // a slow answer finds the caller gone: the answer is lost, which is the point
        }
        refreshGrants.answered(new RefreshGrants.Answered(true, Optional.of(rotated.fault())));
    }

    private ObjectNode grantBody(RefreshGrants.Grant grant) {
        issuedAccessTokens.add(grant.accessToken());
        secretsSeen.add(grant.accessToken());
        secretsSeen.add(grant.refreshToken());
        ObjectNode tokens = JSON.createObjectNode()
                .put("access_token", grant.accessToken())
                .put("refresh_token", grant.refreshToken())
                .put("expires_in", grant.expiresInSeconds())
                .put("token_type", "Bearer")
                .put("scope", grant.scope());
        grant.refreshTokenExpiresInSeconds().ifPresent(left -> tokens.put("refresh_token_expires_in", left));
        tokens.putObject("account")
                .put("uuid", grant.login().accountUuid())
                .put("email_address", grant.login().email());
        tokens.putObject("organization")
                .put("uuid", grant.login().organizationUuid())
                .put("name", grant.login().organizationName());
        return tokens;
    }

    /** A live token pair the provider issued. {@link #toString()} hides the tokens. */
    public record IssuedTokens(String accessToken, String refreshToken, Duration expiresIn, String scope) {
        @Override
        public String toString() {
            return "IssuedTokens[expiresIn=" + expiresIn + ", ***]";
        }
    }

    /**
     * Issues a live token pair for {@code login} as a code exchange would (its refresh token redeems
     * once, under {@link RefreshGrants}' rules), without a browser login: for seeding many accounts.
     */
    public IssuedTokens issueTokens(Login login) {
        RefreshGrants.Grant grant = refreshGrants.mint(login);
        issuedAccessTokens.add(grant.accessToken());
        secretsSeen.add(grant.accessToken());
        secretsSeen.add(grant.refreshToken());
        return new IssuedTokens(
                grant.accessToken(), grant.refreshToken(), Duration.ofSeconds(grant.expiresInSeconds()), grant.scope());
    }

    /** The refresh rules: lifetimes, revocation, fault injection, and the counts tests check. */
    public RefreshGrants refreshGrants() {
        return refreshGrants;
    }

    private void codePage(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String shown = query.getOrDefault("code", "") + "#" + query.getOrDefault("state", "");
            byte[] page = ("<!doctype html><title>Authentication code</title><p>Paste this code:</p><pre>"
                            + shown.replace("&", "&amp;").replace("<", "&lt;") + "</pre>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
        }
    }

    private void createApiKey(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = Optional.ofNullable(
                            exchange.getRequestHeaders().getFirst("Authorization"))
                    .orElse("");
            if (!authorization.startsWith("Bearer ") || !issuedAccessTokens.contains(authorization.substring(7))) {
                respond(exchange, 401, error("invalid_token", "unknown access token"));
                return;
            }
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            String key = "sk-ant-api03-local-" + HexFormat.of().formatHex(bytes);
            secretsSeen.add(key);
            ObjectNode body = JSON.createObjectNode().put("raw_key", key);
            respond(exchange, 200, body.toString());
        }
    }

    private URI frontUrl(String path) {
        return URI.create("http://127.0.0.1:" + front.getAddress().getPort() + path);
    }

    private static String error(String code, String description) {
        return JSON.createObjectNode()
                .put("error", code)
                .put("error_description", description)
                .toString();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String readBody(InputStream in) throws IOException {
        return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    }

    static Map<String, String> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(rawQuery.split("&"))
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(
                        kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv -> kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "",
                        (a, b) -> a));
    }

    @Override
    public void close() {
        front.stop(0);
        authorizationServer.shutdown();
    }
}
