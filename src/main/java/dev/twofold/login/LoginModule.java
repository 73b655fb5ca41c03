package dev.twofold.login;

import dev.twofold.server.Setting;
import dev.twofold.mfa.AttemptLimiter;
import dev.twofold.mfa.BrowserMfa;
import dev.twofold.mfa.MfaPolicy;
import dev.twofold.mfa.MfaSettings;
import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.oauth.authorize.AuthorizationCodeGrant;
import dev.twofold.oauth.authorize.AuthorizationCodeStore;
import dev.twofold.oauth.authorize.AuthorizeEndpoint;
import dev.twofold.oauth.authorize.PendingAuthorizationStore;
import dev.twofold.server.Services;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Installs the login feature: the authorization endpoint and its hosted pages, browser
 * sessions, logout, and the {@code authorization_code} grant.
 */
public final class LoginModule {

    private static final byte[] STYLESHEET = resource("/login/login.css");
    private static final byte[] SCRIPT = resource("/login/resend.js");

    private LoginModule() {
    }

    public static void install(Services services, Javalin app) {
        PendingAuthorizationStore pending = new PendingAuthorizationStore(services.database(),
                services.clock());
        AuthorizationCodeStore codes = new AuthorizationCodeStore(services.database(),
                services.clock(), pending);
        BrowserSessionStore sessions = new BrowserSessionStore(services.database(),
                services.clock(), services.settings().getDuration(Setting.SESSION_LIFETIME));
        Cookies cookies = new Cookies(services);
        Pages pages = new Pages(services, Branding.from(services.settings()));
        MfaPages mfaPages = new MfaPages(services, pages);
        RememberedDeviceStore devices = new RememberedDeviceStore(services);
        LoginFlow flow = new LoginFlow(services, sessions, codes,
                new MfaSecondFactorStep(MfaPolicy.of(services), services, devices), cookies);
        BrowserBinding binding = new BrowserBinding(pending, cookies);
        LoginEndpoint login = new LoginEndpoint(services, binding, sessions, flow, cookies,
                pages);
        AttemptLimiter limiter = new AttemptLimiter(services.database(), services.clock(),
                MfaSettings.from(services.settings()));
        BrowserMfa mfa = BrowserMfa.of(services, limiter);
        MfaSignIns signIns = new MfaSignIns(services, binding, sessions, cookies, mfa, pages);
        MfaEnrollmentEndpoint enrollment = new MfaEnrollmentEndpoint(services, signIns, mfa,
                mfaPages);
        MfaChallengeEndpoint challenge = new MfaChallengeEndpoint(signIns, mfa, sessions, flow,
                cookies, pages, mfaPages, devices, RecoveryCodes.of(services), enrollment);
        RecoveryCodeEndpoint recovery = new RecoveryCodeEndpoint(services, binding, sessions,
                limiter, flow, cookies, pages);
        LogoutEndpoint logout = new LogoutEndpoint(services, sessions, cookies, pages);

        app.get("/authorize", new AuthorizeEndpoint(services, pending, login)::handle);
        app.get("/login", login::show);
        app.post("/login", login::submit);
        app.get("/login/mfa", challenge::show);
        app.post("/login/mfa", challenge::submit);
        app.post("/login/mfa/send", challenge::send);
        app.post("/login/mfa/enroll", enrollment::submit);
        app.get("/login/mfa/recovery", recovery::show);
        app.post("/login/mfa/recovery", recovery::submit);
        app.post("/login/mfa/continue", recovery::proceed);
        app.get("/login/assets/login.css", context -> asset(context, "text/css", STYLESHEET));
        byte[] brand = pages.branding().stylesheet().getBytes(StandardCharsets.UTF_8);
        app.get("/login/assets/brand.css", context -> asset(context, "text/css", brand));
        app.get("/login/assets/resend.js", context -> asset(context, "text/javascript",
                SCRIPT));
        app.get("/v2/logout", logout::auth0);
        app.get("/oidc/logout", logout::oidc);
        services.addGrant(new AuthorizationCodeGrant(services, codes));

        Housekeeping housekeeping = new Housekeeping(services.database(), services.clock(),
                pending);
        services.onStarted(housekeeping::start);
        services.onShutdown(housekeeping::stop);
    }

    private static void asset(Context context, String type, byte[] content) {
        context.contentType(type + "; charset=utf-8");
        context.header("Cache-Control", "public, max-age=3600");
        context.header("X-Content-Type-Options", "nosniff");
        context.result(content);
    }

    private static byte[] resource(String path) {
        try (InputStream in = LoginModule.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
