package dev.twofold.login;

import dev.twofold.oauth.authorize.PendingAuthorization;
import dev.twofold.store.Client;
import dev.twofold.store.User;
import java.util.Optional;

/**
 * The second step of the hosted login: after the first factor, decides whether a second one
 * is needed and which page asks for it. The hosted MFA pages plug in here; the default never
 * asks.
 */
@FunctionalInterface
public interface SecondFactorStep {

    /** A step that never requires a second factor. */
    SecondFactorStep NEVER = context -> new Decision.NotRequired();

    /**
     * What the flow knows when it asks.
     *
     * @param rememberedDevice the browser's remembered-device cookie, if it sent one
     */
    record Context(PendingAuthorization pending, Client client, User user,
                   BrowserSession session, Optional<String> rememberedDevice) {
    }

    /** The answer: go on to the code, or show a page first. */
    sealed interface Decision {
        /** Issue the code now. */
        record NotRequired() implements Decision {
        }

        /**
         * Show a page first; the flow redirects the browser to {@code path} (absolute, on this
         * server, e.g. {@code /login/mfa?request=…}), whose handler calls
         * {@link LoginFlow#afterSecondFactor} when the factor is proved.
         */
        record Required(String path) implements Decision {
        }
    }

    Decision decide(Context context);
}
