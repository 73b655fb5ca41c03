package dev.twofold.oauth;

import dev.twofold.server.Params;
import dev.twofold.store.Client;

/**
 * A token request after parsing and client authentication.
 *
 * @param remoteAddress the client's IP address, for rate limits and the audit log
 */
public record TokenRequest(Params params, Client client, String remoteAddress) {
}
