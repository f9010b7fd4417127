package dev.reauth.domain;

import dev.reauth.wire.TokenEvent;

/** Tells the proxy fleet about an account event (one message, fanned out to every subscriber). */
public interface EventPublisher {

    /** @throws ReauthException.DependencyFailed when the message could not be published */
    void publish(TokenEvent event);
}
