package dev.twofold.mfa.device;

import java.time.Instant;

/**
 * A device (a browser, or an app holding a device_token) on which a user passed a second
 * factor and asked not to be asked again for a while.
 *
 * @param kind {@code browser} (cookie from the hosted pages) or {@code api} (device_token)
 */
public record RememberedDevice(String id, String userId, String clientId, String kind,
                               Instant createdAt, Instant expiresAt) {
}
