package dev.reauth.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Fetches certificates for {@link SnsSignatureVerifier}, bounded: the whole fetch (connect, TLS,
 * headers, body) within a deadline, the body within a size, status 200 only, no redirects, http and
 * https only (https with the JDK's trust and hostname checks). The fetch runs on a virtual thread the
 * caller waits for; at the deadline it is interrupted, which closes its socket, so a server that
 * trickles bytes cannot hold a caller.
 */
public final class CertificateFetcher implements Function<URI, byte[]> {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** A PEM chain of a few certificates is well under this. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private final Duration timeout;
    private final int maxBytes;

    public CertificateFetcher() {
        this(DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES);
    }

    public CertificateFetcher(Duration timeout, int maxBytes) {
        if (timeout.isNegative() || timeout.isZero() || maxBytes <= 0) {
            throw new IllegalArgumentException("timeout and maxBytes must be positive");
        }
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    /** The body served at {@code url}; an {@link UncheckedIOException} naming host and path when there is none within the bounds. */
    @Override
    public byte[] apply(URI url) {
        if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
            throw new UncheckedIOException(new IOException("not an http(s) URL: " + url.getScheme()));
        }
        FutureTask<byte[]> fetch = new FutureTask<>(() -> download(url));
        Thread.ofVirtual().name("sns-certificate-fetch").start(fetch);
        try {
            return fetch.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw failure(url, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw failure(url, e.getCause() instanceof IOException io ? io.getMessage() : "failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(url, "interrupted");
        } finally {
            fetch.cancel(true);
        }
    }

    private byte[] download(URI url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        try {
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            connection.setConnectTimeout(millis);
            connection.setReadTimeout(millis);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new IOException("status " + status);
            }
            if (connection.getContentLengthLong() > maxBytes) {
                throw new IOException("larger than " + maxBytes + " bytes");
            }
            try (InputStream in = connection.getInputStream()) {
                byte[] body = in.readNBytes(maxBytes + 1);
                if (body.length > maxBytes) {
                    throw new IOException("larger than " + maxBytes + " bytes");
                }
                return body;
            }
        } finally {
            connection.disconnect();
        }
    }

    private static UncheckedIOException failure(URI url, String why) {
        return new UncheckedIOException(new IOException("cannot fetch " + url.getHost() + url.getPath() + ": " + why));
    }
}
