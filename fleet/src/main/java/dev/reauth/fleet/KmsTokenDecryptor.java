package dev.reauth.fleet;

import dev.reauth.wire.Schema;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenBundleJson;
import java.util.Arrays;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;

/** KMS Decrypt under the account's encryption context: what the fleet policy (kms:Decrypt with that context) allows. */
public final class KmsTokenDecryptor implements TokenDecryptor {

    private final KmsClient kms;

    public KmsTokenDecryptor(KmsClient kms) {
        this.kms = kms;
    }

    @Override
    public TokenBundle decrypt(String accountId, byte[] ciphertext) {
        byte[] plaintext;
        try {
            plaintext = kms.decrypt(d -> d.ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
                            .encryptionContext(Schema.encryptionContext(accountId)))
                    .plaintext()
                    .asByteArray();
        } catch (SdkException e) {
            throw new FleetException.DependencyFailed("KMS did not decrypt the tokens of account " + accountId, e);
        }
        try {
            return TokenBundleJson.read(plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }
}
