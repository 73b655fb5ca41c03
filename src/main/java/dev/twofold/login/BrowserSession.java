package dev.twofold.login;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A signed-in browser: who, with which factors, since when.
 *
 * @param idHash the SHA-256 of the cookie value; the value itself is never stored
 * @param amr RFC 8176 methods proved in this session, in order ({@code pwd}, then any second)
 * @param authTime when the user last entered their first factor
 * @param mfaTime when the user last passed a second factor, if ever in this session
 */
public record BrowserSession(
        String idHash,
        String userId,
        List<String> amr,
        Instant authTime,
        Optional<Instant> mfaTime,
        Instant expiresAt) {

    public BrowserSession {
        amr = List.copyOf(amr);
    }

    /** Whether a second factor was proved in this session. */
    public boolean passedSecondFactor() {
        return mfaTime.isPresent();
    }
}
