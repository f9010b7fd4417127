package dev.reauth.recorder;

import java.util.List;
import java.util.Map;

/**
 * One request as IAM authorizes it: who made it, the IAM action, the resource ARN with the region and account
 * left as {@code {region}} and {@code {account}}, and the condition keys the stack's policies check.
 */
public record AwsCall(String caller, String action, String resource, Map<String, List<String>> context) {}
