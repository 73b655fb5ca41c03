package dev.twofold.mfa.device;

import dev.twofold.mfa.MfaTokenReader;
import dev.twofold.mfa.MfaTransaction;
import dev.twofold.oauth.Grant;
import dev.twofold.oauth.TokenRequest;
import dev.twofold.oauth.TokenResponse;
import java.util.Optional;

/**
 * Wraps an MFA grant: with {@code remember_device=true}, a successful answer also carries a
 * {@code device_token} ({@code dt_…}, shown once, SHA-256 stored) that a later
 * {@code password} or {@code password-realm} grant of the same user and client may send as
 * {@code device_token} to skip {@code mfa_required}. Thread-safe.
 */
public final class RememberDeviceGrant implements Grant {

    private final Grant inner;
    private final MfaTokenReader reader;
    private final RememberedDeviceStore devices;

    public RememberDeviceGrant(Grant inner, MfaTokenReader reader,
                               RememberedDeviceStore devices) {
        this.inner = inner;
        this.reader = reader;
        this.devices = devices;
    }

    @Override
    public String grantType() {
        return inner.grantType();
    }

    @Override
    public TokenResponse handle(TokenRequest request) {
        if (!request.params().flag("remember_device").orElse(false)) {
            return inner.handle(request);
        }
        MfaTransaction transaction = reader.transaction(request.params()
                .required("mfa_token"), Optional.of(request.client().clientId()));
        TokenResponse response = inner.handle(request);
        return response.withExtra("device_token", devices.remember(transaction.userId(),
                request.client().clientId(), RememberedDeviceStore.API));
    }
}
