package dev.reauth.fleet;

import dev.reauth.wire.TokenBundle;

/** Opens a token ciphertext (KMS Decrypt under the account's encryption context). */
public interface TokenDecryptor {

    TokenBundle decrypt(String accountId, byte[] ciphertext);
}
