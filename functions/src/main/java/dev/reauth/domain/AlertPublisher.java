package dev.reauth.domain;

/** Sends alerts to people (the alerts topic: email, webhook), apart from the fleet's topic. */
public interface AlertPublisher {

    /**
     * Sends one alert.
     *
     * @throws ReauthException.DependencyFailed when it could not be sent
     */
    void publish(Alert alert);
}
