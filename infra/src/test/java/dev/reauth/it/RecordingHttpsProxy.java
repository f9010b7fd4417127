package dev.reauth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An HTTPS_PROXY on loopback that plays api.anthropic.com and platform.claude.com: it accepts CONNECT
 * to either, terminates TLS with a certificate naming both from its own test CA (trusted by
 * better-ccflare through NODE_EXTRA_CA_CERTS), records each request's host, method, path, headers and
 * answer status, and answers POST /v1/messages with a small message. POST /v1/oauth/token on
 * platform.claude.com (the URL better-ccflare 3.5.4 hard-codes for its own refreshes) is forwarded,
 * body, Content-Type and User-Agent as sent, to the token endpoint given at start (the local provider)
 * and its answer passed back; anything else gets 404. Nothing leaves the machine.
 */
final class RecordingHttpsProxy implements AutoCloseable {

    /** One request as it arrived upstream, and the status it was answered with. */
    record Request(String host, String method, String path, Map<String, String> headers, int status) {}

    private static final String HOST = "api.anthropic.com";
    private static final String TOKEN_HOST = "platform.claude.com";
    private static final byte[] MESSAGE =
            ("{\"id\":\"msg_test\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                            + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}")
                    .getBytes(StandardCharsets.UTF_8);

    private final ServerSocket server;
    private final SSLContext tls;
    private final Path caPem;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final URI tokenUrl;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RecordingHttpsProxy(ServerSocket server, SSLContext tls, Path caPem, URI tokenUrl) {
        this.server = server;
        this.tls = tls;
        this.caPem = caPem;
        this.tokenUrl = tokenUrl;
        Thread.ofPlatform().daemon().name("recording-https-proxy").start(this::accept);
    }

    static RecordingHttpsProxy start(Path dir) throws Exception {
        return start(dir, null);
    }

    /** As {@link #start(Path)}, forwarding platform.claude.com's token requests to {@code tokenUrl} (null: 404). */
    static RecordingHttpsProxy start(Path dir, URI tokenUrl) throws Exception {
        KeyPair caKeys = rsa();
        X509Certificate ca = issue(
                new X500Name("CN=reauth test CA"),
                caKeys,
                new X500Name("CN=reauth test CA"),
                caKeys.getPrivate(),
                true);
        KeyPair leafKeys = rsa();
        X509Certificate leaf = issue(
                new X500Name("CN=" + HOST), leafKeys, new X500Name("CN=reauth test CA"), caKeys.getPrivate(), false);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("leaf", leafKeys.getPrivate(), new char[0], new Certificate[] {leaf, ca});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        Path pem = dir.resolve("test-ca.pem");
        Files.writeString(
                pem,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(ca.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        return new RecordingHttpsProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), tls, pem, tokenUrl);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    Path caPem() {
        return caPem;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofPlatform().daemon().start(() -> tunnel(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void tunnel(Socket client) {
        try (client) {
            String connect = head(client.getInputStream()).getFirst();
            String host = connect.startsWith("CONNECT " + HOST + ":443 ")
                    ? HOST
                    : connect.startsWith("CONNECT " + TOKEN_HOST + ":443 ") ? TOKEN_HOST : null;
            if (host == null) {
                client.getOutputStream()
                        .write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            client.getOutputStream()
                    .write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            try (SSLSocket upstream = (SSLSocket) tls.getSocketFactory().createSocket(client, host, 443, true)) {
                upstream.setUseClientMode(false);
                InputStream in = upstream.getInputStream();
                List<String> lines = head(in);
                String[] start = lines.getFirst().split(" ");
                Map<String, String> headers = new LinkedHashMap<>();
                for (String line : lines.subList(1, lines.size())) {
                    int colon = line.indexOf(':');
                    headers.put(
                            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
                byte[] request = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                int status;
                byte[] body;
                if (host.equals(HOST) && start[0].equals("POST") && start[1].startsWith("/v1/messages")) {
                    status = 200;
                    body = MESSAGE;
                } else if (host.equals(TOKEN_HOST)
                        && tokenUrl != null
                        && start[0].equals("POST")
                        && start[1].equals("/v1/oauth/token")) {
                    HttpResponse<byte[]> answer = forwardToken(headers, request);
                    status = answer.statusCode();
                    body = answer.body();
                } else {
                    status = 404;
                    body = new byte[0];
                }
                requests.add(new Request(host, start[0], start[1], headers, status));
                OutputStream out = upstream.getOutputStream();
                out.write(("HTTP/1.1 " + status + (status == 200 ? " OK" : " Answer")
                                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                                + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // a client that hung up; nothing to record
        }
    }

    private HttpResponse<byte[]> forwardToken(Map<String, String> headers, byte[] request) throws IOException {
        HttpRequest.Builder forward = HttpRequest.newBuilder(tokenUrl)
                .header("Content-Type", headers.getOrDefault("content-type", ""))
                .POST(HttpRequest.BodyPublishers.ofByteArray(request));
        if (headers.containsKey("user-agent")) {
            forward.header("User-Agent", headers.get("user-agent"));
        }
        try {
            return http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding a token request", e);
        }
    }

    private static List<String> head(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            bytes.write(b);
            String text = bytes.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return List.of(text.substring(0, text.length() - 4).split("\r\n"));
            }
        }
        throw new IOException("connection closed before the end of the head");
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate issue(
            X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey, boolean ca) throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(System.nanoTime()),
                Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(2))),
                subject,
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, HOST), new GeneralName(GeneralName.dNSName, TOKEN_HOST)
            }));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
