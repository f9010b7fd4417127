package dev.reauth.cli;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Signs API requests with AWS Signature Version 4 for API Gateway's IAM authorization
 * (service {@code execute-api}), using the SDK's own signer and the default credentials chain.
 */
public final class RequestSigner {

    public static final String SERVICE = "execute-api";

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final String service;
    private final Clock clock;

    public RequestSigner(AwsCredentialsProvider credentials, String region, String service, Clock clock) {
        this.credentials = credentials;
        this.region = region;
        this.service = service;
        this.clock = clock;
    }

    /** The headers to send: the request's own plus Authorization, X-Amz-Date and any security token. */
    public Map<String, List<String>> sign(String method, URI uri, Map<String, String> headers, String body) {
        SdkHttpRequest.Builder request =
                SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        return signed.request().headers();
    }

    /** The region of an API Gateway URL ({@code https://ID.execute-api.REGION.amazonaws.com}), if it is one. */
    public static Optional<String> regionOf(URI api) {
        String host = api.getHost() == null ? "" : api.getHost();
        String[] parts = host.split("\\.");
        for (int i = 0; i + 1 < parts.length; i++) {
            if (parts[i].equals("execute-api")) {
                return Optional.of(parts[i + 1]);
            }
        }
        return Optional.empty();
    }
}
