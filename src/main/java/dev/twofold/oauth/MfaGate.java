package dev.twofold.oauth;

import dev.twofold.server.Params;
import dev.twofold.store.Client;

/**
 * Decides, after the first factor, whether a second one is needed. The {@code password},
 * {@code password-realm} and {@code refresh_token} grants call it before issuing tokens.
 */
public interface MfaGate {

    /** A gate that never asks for a second factor. */
    MfaGate NONE = (authentication, client, params) -> authentication;

    /**
     * Returns the authentication to issue tokens for, or throws the 403 {@code mfa_required}
     * {@link dev.twofold.server.ProtocolError} carrying an {@code mfa_token}.
     *
     * @param params the token request, for fields such as a remembered device's token
     */
    Authentication afterFirstFactor(Authentication authentication, Client client, Params params);
}
