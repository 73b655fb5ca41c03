package dev.twofold.oauth.authorize;

import dev.twofold.crypto.Secret;
import dev.twofold.server.ProtocolError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Proof Key for Code Exchange (RFC 7636), one method per step of the spec. Only {@code S256}
 * is supported: {@code plain} gives no protection once the challenge leaks (RFC 9700 §2.1.1).
 * Stateless and thread-safe.
 */
public final class Pkce {

    /** The one supported method, as discovery's {@code code_challenge_methods_supported}. */
    public static final String S256 = "S256";

    // RFC 7636 §4.1: code-verifier = 43*128unreserved; unreserved = ALPHA / DIGIT / "-" / "." /
    // "_" / "~".
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    // RFC 7636 §4.2: with S256 the challenge is BASE64URL of 32 bytes, 43 characters.
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private Pkce() {
    }

    /**
     * RFC 7636 §4.3 and §4.4.1: checks the challenge of an authorization request. An omitted
     * method means {@code plain} (§4.3), which is refused, never read as S256.
     */
    public static void checkChallenge(Optional<String> challenge, Optional<String> method,
                                      boolean required) {
        if (challenge.isEmpty()) {
            checkNoMethodWithoutChallenge(method);
            if (required) {
                throw ProtocolError.invalidRequest("code_challenge is missing; this client is"
                        + " public, so it must use PKCE: send code_challenge ="
                        + " BASE64URL(SHA256(code_verifier)) and code_challenge_method=S256.");
            }
            return;
        }
        checkMethod(method);
        checkChallengeFormat(challenge.get());
    }

    private static void checkNoMethodWithoutChallenge(Optional<String> method) {
        if (method.isPresent()) {
            throw ProtocolError.invalidRequest("code_challenge_method was sent without"
                    + " code_challenge; send both, or neither.");
        }
    }

    private static void checkMethod(Optional<String> method) {
        if (method.isEmpty()) {
            throw ProtocolError.invalidRequest("code_challenge_method is missing, which means"
                    + " plain (RFC 7636 §4.3); Twofold supports only S256: send"
                    + " code_challenge_method=S256.");
        }
        if (!S256.equals(method.get())) {
            throw ProtocolError.invalidRequest("code_challenge_method " + printable(method.get())
                    + " is not supported; Twofold supports only S256 (RFC 7636 §4.2).");
        }
    }

    private static void checkChallengeFormat(String challenge) {
        if (!S256_CHALLENGE.matcher(challenge).matches()) {
            throw ProtocolError.invalidRequest("code_challenge has " + challenge.length()
                    + " characters or characters outside base64url; an S256 challenge is"
                    + " BASE64URL(SHA256(code_verifier)) without padding: 43 characters.");
        }
    }

    /** RFC 7636 §4.1: the code verifier is 43 to 128 unreserved characters. */
    public static boolean isWellFormedVerifier(String verifier) {
        return VERIFIER.matcher(verifier).matches();
    }

    /** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) equals the challenge. */
    public static boolean verifierMatches(String verifier, String challenge) {
        return Secret.constantTimeEquals(s256(verifier), challenge);
    }

    /** RFC 7636 §4.2: the S256 transformation of a code verifier. */
    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    private static String printable(String value) {
        String shown = value.length() > 20 ? value.substring(0, 20) + "…" : value;
        return "'" + shown.replaceAll("[^\\x20-\\x7E]", "?") + "'";
    }
}
