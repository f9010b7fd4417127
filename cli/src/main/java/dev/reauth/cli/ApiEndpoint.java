package dev.reauth.cli;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;

/**
 * Where the API is. Flags beat the environment: --api-url, else --stack's ApiUrl output, else
 * $REAUTH_API_URL, else $REAUTH_STACK's ApiUrl output, else the local run on 127.0.0.1:8787.
 */
public final class ApiEndpoint {

    public static final URI LOCAL_RUN = URI.create("http://127.0.0.1:8787");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    /** The API's base URL and where it came from, as said to the operator ("--stack prod"). */
    public record Api(URI uri, String source) {}

    private ApiEndpoint() {}

    /** The API for these flags and this environment; stacks are read from CloudFormation in {@code region}. */
    public static Api resolve(String flagUrl, String flagStack, Optional<String> region, Map<String, String> env) {
        return resolve(flagUrl, flagStack, env, stackName -> fromStack(stackName, region));
    }

    static Api resolve(String flagUrl, String flagStack, Map<String, String> env, Function<String, URI> stackApiUrl) {
        if (present(flagUrl) && present(flagStack)) {
            throw new CliFailure(ExitCode.USAGE, "give --api-url or --stack, not both");
        }
        if (present(flagUrl)) {
            return new Api(parse(flagUrl), "--api-url");
        }
        if (present(flagStack)) {
            return new Api(stackApiUrl.apply(flagStack), "--stack " + flagStack);
        }
        if (present(env.get("REAUTH_API_URL"))) {
            return new Api(parse(env.get("REAUTH_API_URL")), "$REAUTH_API_URL");
        }
        if (present(env.get("REAUTH_STACK"))) {
            return new Api(stackApiUrl.apply(env.get("REAUTH_STACK")), "$REAUTH_STACK=" + env.get("REAUTH_STACK"));
        }
        return new Api(LOCAL_RUN, "default: the local run");
    }

    /**
     * True when the URL's host is a loopback name or address (the local run's API, which needs no
     * credentials); no name is looked up, and only "localhost" counts as a loopback name.
     */
    public static boolean isLoopback(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || IPV4_LOOPBACK.matcher(host).matches()) {
            return true;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            try {
                // an IPv6 literal: parsed, never resolved
                return InetAddress.getByName(host.substring(1, host.length() - 1))
                        .isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    static URI parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCode.USAGE, "not an API URL: " + TerminalText.clean(url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new CliFailure(
                    ExitCode.USAGE, "not an API URL: " + TerminalText.clean(url) + " (expected https://HOST/...)");
        }
        if (scheme.equals("http") && !isLoopback(uri)) {
            throw new CliFailure(
                    ExitCode.USAGE,
                    "refusing " + uri + ": an API that is not on this machine must be https://"
                            + " (codes and signed requests would cross the network in clear)");
        }
        return uri;
    }

    private static URI fromStack(String stackName, Optional<String> region) {
        try (CloudFormationClient cloudFormation = CloudFormationClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .applyMutation(b -> region.ifPresent(r -> b.region(Region.of(r))))
                .build()) {
            return cloudFormation.describeStacks(d -> d.stackName(stackName)).stacks().stream()
                    .flatMap(s -> s.outputs().stream())
                    .filter(o -> "ApiUrl".equals(o.outputKey()))
                    .map(Output::outputValue)
                    .findFirst()
                    .map(ApiEndpoint::parse)
                    .orElseThrow(() -> new CliFailure(ExitCode.FAILED, "stack " + stackName + " has no ApiUrl output"));
        } catch (CloudFormationException e) {
            if (String.valueOf(e.getMessage()).contains("does not exist")) {
                throw new CliFailure(
                        ExitCode.FAILED,
                        "no stack " + stackName + " in this account and region"
                                + region.map(r -> " (" + r + ")").orElse("") + "; check --region or AWS_REGION");
            }
            throw AwsFailures.explain(e, "reading the outputs of stack " + stackName);
        } catch (SdkException e) {
            throw AwsFailures.explain(e, "reading the outputs of stack " + stackName);
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
