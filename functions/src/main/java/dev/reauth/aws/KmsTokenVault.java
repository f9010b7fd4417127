package dev.reauth.aws;

import dev.reauth.domain.ReauthException;
import dev.reauth.domain.TokenVault;
import dev.reauth.wire.Schema;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenBundleJson;
import java.util.Arrays;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Seals token bundles with one KMS Encrypt under the project's key. The encryption context names
 * the account and the purpose, so a ciphertext copied onto another account does not decrypt, and
 * IAM can restrict kms:Decrypt to this context.
 */
public final class KmsTokenVault implements TokenVault {

    /** KMS Encrypt takes at most 4096 bytes of plaintext. */
    static final int MAX_PLAINTEXT_BYTES = 4096;

    private final KmsClient kms;
    private final String keyId;

    public KmsTokenVault(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public byte[] seal(String accountId, TokenBundle bundle) {
        byte[] plaintext = TokenBundleJson.write(bundle);
        try {
            if (plaintext.length > MAX_PLAINTEXT_BYTES) {
                throw new ReauthException.ProviderFailed(
                        "The provider's tokens are larger than KMS can encrypt (" + MAX_PLAINTEXT_BYTES + " bytes)",
                        null);
            }
            return kms.encrypt(e -> e.keyId(keyId)
                            .plaintext(SdkBytes.fromByteArray(plaintext))
                            .encryptionContext(Schema.encryptionContext(accountId)))
                    .ciphertextBlob()
                    .asByteArray();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("Token encryption (KMS) is unavailable", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    @Override
    public TokenBundle open(String accountId, byte[] ciphertext) {
        byte[] plaintext;
        try {
            plaintext = kms.decrypt(d -> d.keyId(keyId)
                            .ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
                            .encryptionContext(Schema.encryptionContext(accountId)))
                    .plaintext()
                    .asByteArray();
        } catch (InvalidCiphertextException | IncorrectKeyException e) {
            throw new ReauthException.InvalidRequest(
                    "unreadable_tokens",
                    "The account's token_ciphertext does not decrypt under its encryption context");
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("Token decryption (KMS) is unavailable", e);
        }
        try {
            return TokenBundleJson.read(plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }
}
