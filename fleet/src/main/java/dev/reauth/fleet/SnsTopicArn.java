package dev.reauth.fleet;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A topic ARN's partition and region, and the SNS names that belong to them: the regional host that
 * serves signing certificates and subscription URLs, and the names SNS's signing certificates carry.
 * Only the partitions whose names the AWS SDKs document are accepted: aws, aws-cn, aws-us-gov.
 */
record SnsTopicArn(String partition, String region) {

    private static final Pattern ARN =
            Pattern.compile("arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}[a-z0-9-]*[0-9]):\\d{12}:[A-Za-z0-9_.-]{1,256}");

    static SnsTopicArn parse(String topicArn) throws SnsSignatureVerifier.Rejected {
        var arn = ARN.matcher(topicArn);
        if (!arn.matches()) {
            throw new SnsSignatureVerifier.Rejected("TopicArn is malformed or in an unsupported partition");
        }
        return new SnsTopicArn(arn.group(1), arn.group(2));
    }

    /** Where SNS serves this region: sns.REGION.amazonaws.com (amazonaws.com.cn in China). */
    String snsHost() {
        return "sns." + region + "." + (partition.equals("aws-cn") ? "amazonaws.com.cn" : "amazonaws.com");
    }

    /**
     * The names an SNS signing certificate for this region may carry, as the AWS SDKs expect them
     * (aws-sdk-java-v2 sns-message-manager's SnsHostProvider, and SDK v1's SnsMessageManager):
     * sns.amazonaws.com in the commercial regions, sns-signing.REGION.amazonaws.com in the opt-in
     * ones (accepted for every commercial region, so a region opened later needs no release),
     * sns-REGION.amazonaws.com.cn in China, sns-us-gov-west-1.amazonaws.com in both GovCloud regions.
     */
    Set<String> signingCertificateNames() {
        return switch (partition) {
            case "aws-cn" -> Set.of("sns-" + region + ".amazonaws.com.cn");
            case "aws-us-gov" -> Set.of("sns-us-gov-west-1.amazonaws.com");
            default -> Set.of("sns.amazonaws.com", "sns-signing." + region + ".amazonaws.com");
        };
    }
}
