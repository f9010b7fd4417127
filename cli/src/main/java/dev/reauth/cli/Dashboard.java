package dev.reauth.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code reauth dashboard}'s web server: on 127.0.0.1 only, at {@code http://127.0.0.1:PORT/SECRET/} where
 * SECRET is 256 bits drawn for this run. Every request passes {@link DashboardGate} first; the page's
 * operations go to {@link DashboardActions}, which alone calls the reauth API. Nothing is logged: the
 * address, links and codes are secrets.
 */
final class Dashboard implements AutoCloseable {

    /** Larger request bodies are refused unread (a pasted code is well under 1 KiB). */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private static final String[][] FILES = {
        {"PAGE", "/dashboard/index.html", "text/html; charset=utf-8"},
        {"STYLESHEET", "/dashboard/page.css", "text/css; charset=utf-8"},
        {"DASHBOARD_STYLESHEET", "/dashboard/dashboard.css", "text/css; charset=utf-8"},
        {"LOGIN_SCRIPT", "/dashboard/login.js", "text/javascript; charset=utf-8"},
        {"SCRIPT", "/dashboard/dashboard.js", "text/javascript; charset=utf-8"}
    };

    private final HttpServer server;
    private final ExecutorService threads;
    private final DashboardGate gate;
    private final DashboardActions actions;
    private final URI url;

    private Dashboard(HttpServer server, ExecutorService threads, String secret, DashboardActions actions) {
        this.server = server;
        this.threads = threads;
        this.actions = actions;
        int port = server.getAddress().getPort();
        this.gate = new DashboardGate(secret, port);
        this.url = URI.create(gate.origin() + "/" + secret + "/");
    }

    /** Starts serving on 127.0.0.1:{@code port} (0: any free port) with a fresh secret. */
    static Dashboard start(DashboardActions actions, int port) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 0);
            // API calls block for seconds (a login's exchange): one virtual thread per request
            ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(threads);
            Dashboard dashboard = new Dashboard(server, threads, secret, actions);
            server.createContext("/", dashboard::serve);
            server.start();
            return dashboard;
        } catch (IOException e) {
            throw new CliFailure(
                    ExitCode.FAILED,
                    "cannot serve the dashboard on 127.0.0.1:" + port
                            + (port == 0 ? "" : " (is the port taken? leave out --port for a free one)"));
        }
    }

    /** The dashboard's address, secret included: print it to standard output only. */
    URI url() {
        return url;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            DashboardResponse response;
            String location = null;
            DashboardGate.Verdict verdict = gate.check(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    name -> exchange.getRequestHeaders().getFirst(name));
            if (verdict instanceof DashboardGate.Refuse refuse) {
                response = refuse.response();
                location = refuse.location();
            } else {
                DashboardRoute.Match match = ((DashboardGate.Pass) verdict).match();
                byte[] body = read(exchange.getRequestBody());
                if (body == null) {
                    response = DashboardResponse.error(
                            413, "request_too_large", "The request body exceeds " + MAX_BODY_BYTES + " bytes.");
                } else if (match.route().operation()) {
                    response = operation(match, body);
                } else {
                    response = file(match.route());
                }
            }
            response.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            if (location != null) {
                exchange.getResponseHeaders().set("Location", location);
            }
            boolean empty =
                    response.body().length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(response.status(), empty ? -1 : response.body().length);
            if (!empty) {
                exchange.getResponseBody().write(response.body());
            }
        }
    }

    private DashboardResponse operation(DashboardRoute.Match match, byte[] body) {
        try {
            return actions.serve(match, body);
        } catch (RuntimeException bug) {
            // said by its type only, here and nowhere else: a message could hold a code or the address
            return DashboardResponse.error(
                    500,
                    "unexpected_failure",
                    "The dashboard failed unexpectedly (" + bug.getClass().getSimpleName() + "); try again.");
        }
    }

    private static DashboardResponse file(DashboardRoute route) {
        for (String[] file : FILES) {
            if (file[0].equals(route.name())) {
                return new DashboardResponse(200, file[2], resource(file[1]));
            }
        }
        throw new IllegalArgumentException("no file for " + route);
    }

    private static byte[] resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body, or null when it is larger than {@link #MAX_BODY_BYTES}. */
    private static byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        for (int n; (n = in.read(chunk)) > 0; ) {
            body.write(chunk, 0, n);
            if (body.size() > MAX_BODY_BYTES) {
                return null;
            }
        }
        return body.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
