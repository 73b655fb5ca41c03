package dev.twofold.mfa.device;

import dev.twofold.mfa.MfaTokenReader;
import dev.twofold.mfa.PresentedToken;
import dev.twofold.mfa.PresentedToken.MfaAccessToken;
import dev.twofold.server.Cors;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's own remembered devices, beside {@code /mfa/authenticators}:
 * {@code GET /mfa/remembered-devices} (an MFA-audience access token with
 * {@code read:authenticators}, or an {@code mfa_token}) and
 * {@code DELETE /mfa/remembered-devices/{id}} (an MFA-audience access token with
 * {@code remove:authenticators}). Thread-safe.
 */
public final class RememberedDevicesEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(RememberedDevicesEndpoint.class);

    private final Services services;
    private final MfaTokenReader reader;
    private final RememberedDeviceStore devices;

    public RememberedDevicesEndpoint(Services services, MfaTokenReader reader,
                                     RememberedDeviceStore devices) {
        this.services = services;
        this.reader = reader;
        this.devices = devices;
    }

    public void list(Context context) {
        PresentedToken token = reader.bearer(context, Optional.empty());
        Cors.callingClient(context, token.clientId());
        if (token instanceof MfaAccessToken access) {
            requireScope(access, "read:authenticators");
        }
        context.header("Cache-Control", "no-store").json(devices.list(token.userId()).stream()
                .map(RememberedDevicesEndpoint::item).toList());
    }

    public void delete(Context context) {
        PresentedToken token = reader.bearer(context, Optional.empty());
        Cors.callingClient(context, token.clientId());
        if (!(token instanceof MfaAccessToken access)) {
            throw ProtocolError.accessDenied("An mfa_token cannot forget devices. Send an"
                    + " access token with audience=" + services.mfaAudience()
                    + " and scope remove:authenticators.");
        }
        requireScope(access, "remove:authenticators");
        String id = context.pathParam("id");
        if (!devices.revoke(token.userId(), id)) {
            throw ProtocolError.notFound("No remembered device " + id + " exists for this"
                    + " user. List them with GET /mfa/remembered-devices.");
        }
        LOG.info("Remembered device {} of user {} forgotten by client {}", id, token.userId(),
                access.claims().clientId());
        context.status(204);
    }

    private void requireScope(MfaAccessToken access, String scope) {
        if (!access.claims().hasScope(scope)) {
            throw ProtocolError.insufficientScope(services.issuer(), scope, "The access token"
                    + " lacks scope " + scope + ". Request audience=" + services.mfaAudience()
                    + " with scope " + scope + ".");
        }
    }

    private static Map<String, Object> item(RememberedDevice device) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", device.id());
        item.put("type", "remembered-device");
        item.put("kind", device.kind());
        item.put("client_id", device.clientId());
        item.put("created_at", device.createdAt().toString());
        item.put("expires_at", device.expiresAt().toString());
        return item;
    }
}
