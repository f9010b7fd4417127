package dev.reauth.agent;

/** The proxy's store could not be read or written (busy past the timeout, missing, I/O); nothing was changed. */
public final class ProxyStoreException extends RuntimeException {

    public ProxyStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
