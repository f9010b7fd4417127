package dev.reauth.domain;

import dev.reauth.wire.TokenBundle;

/** Seals token bundles for rest: ciphertext bound to the account it belongs to. */
public interface TokenVault {

    /** Encrypts the bundle under an encryption context naming the account and the purpose. */
    byte[] seal(String accountId, TokenBundle bundle);

    /** Decrypts an account's sealed bundle under the same context; the caller clears nothing, so keep it short-lived. */
    TokenBundle open(String accountId, byte[] ciphertext);
}
