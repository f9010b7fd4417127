package dev.reauth.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/** The options that pick the API ({@code --api-url}, {@code --stack}, {@code --region}), shared by every command. */
final class ApiOptions {

    @Option(names = "--api-url", paramLabel = "URL", description = "The reauth API's base URL.")
    String apiUrl;

    @Option(
            names = "--stack",
            paramLabel = "NAME",
            description = "Read the API URL from this CloudFormation stack's outputs.")
    String stack;

    @Option(
            names = "--region",
            paramLabel = "REGION",
            description = "AWS region (default: from the API URL, else AWS_REGION or the AWS config).")
    String region;

    /** These options, each one taken from {@code outer} where it was not given here (reauth --stack x import ...). */
    ApiOptions or(ApiOptions outer) {
        ApiOptions merged = new ApiOptions();
        merged.apiUrl = apiUrl != null ? apiUrl : outer.apiUrl;
        merged.stack = stack != null ? stack : outer.stack;
        merged.region = region != null ? region : outer.region;
        return merged;
    }

    /** Both API flags given: a usage mistake, said before anything is resolved. */
    boolean conflicting() {
        return apiUrl != null && stack != null;
    }

    /**
     * The client for the API these options and {@code env} name: unsigned on loopback, SigV4 elsewhere.
     * Names the API on {@code err} (dim on a terminal), as every command does.
     */
    ApiClient connect(Map<String, String> env, PrintStream err, boolean terminal) {
        Optional<String> explicitRegion = Optional.ofNullable(region)
                .filter(r -> !r.isBlank())
                .or(() -> Optional.ofNullable(env.get("AWS_REGION")).filter(r -> !r.isBlank()))
                .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(r -> !r.isBlank()));
        ApiEndpoint.Api api = ApiEndpoint.resolve(apiUrl, stack, explicitRegion, env);
        Optional<RequestSigner> signer = Optional.empty();
        String how = "local, no credentials";
        if (!ApiEndpoint.isLoopback(api.uri())) {
            String signingRegion = RequestSigner.regionOf(api.uri())
                    .or(() -> explicitRegion)
                    .orElseGet(() ->
                            new DefaultAwsRegionProviderChain().getRegion().id());
            signer = Optional.of(new RequestSigner(
                    DefaultCredentialsProvider.builder().build(),
                    signingRegion,
                    RequestSigner.SERVICE,
                    Clock.systemUTC()));
            how = "SigV4, " + signingRegion;
        }
        err.println(TerminalText.dim("API " + api.uri() + " (" + api.source() + "; " + how + ")", env, terminal));
        return new ApiClient(api.uri(), signer, new Debug(env.get("DEBUG"), err));
    }
}
