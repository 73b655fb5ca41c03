package dev.twofold.oauth;

/**
 * Recognises Twofold's opaque tokens by their type prefix (docs/architecture.md, "Tokens on
 * the wire"), so a token sent in the wrong place is named rather than called malformed.
 */
public final class TokenKinds {

    private TokenKinds() {
    }

    /**
     * For a token that is certainly not an access token, a description saying what it is and
     * how to get an access token; null when it may be an access token.
     */
    public static String describeNonAccessToken(String token) {
        String what = opaqueKind(token);
        if (what == null) {
            return null;
        }
        return "The bearer token is " + what + ", not an access token. Send the access_token"
                + " field of a POST /oauth/token response"
                + (token.startsWith("mfa_") ? " (after the MFA challenge, e.g. grant_type"
                        + " http://auth0.com/oauth/grant-type/mfa-otp with this mfa_token)." : ".");
    }

    /**
     * A phrase naming any token this server hands out: an opaque one by its prefix, a JWT by
     * its header's {@code typ} (an access token is {@code at+jwt}, RFC 9068; an ID token is
     * {@code JWT}). Null for anything else. The signature is not checked: this only words a
     * refusal.
     */
    public static String kind(String token) {
        String opaque = opaqueKind(token);
        if (opaque != null || token.chars().filter(c -> c == '.').count() != 2) {
            return opaque;
        }
        try {
            com.nimbusds.jose.JOSEObjectType type = com.nimbusds.jose.JWSHeader.parse(
                    com.nimbusds.jose.util.Base64URL.from(token.substring(0,
                            token.indexOf('.')))).getType();
            if (JwtTokenIssuer.ACCESS_TOKEN_TYPE.equals(type)) {
                return "an access token (a JWT with typ at+jwt)";
            }
            return type == null ? null : "an ID token (a JWT with typ " + type + ")";
        } catch (java.text.ParseException e) {
            return null;
        }
    }

    /** A phrase naming an opaque Twofold token by its prefix; null for anything else. */
    public static String opaqueKind(String token) {
        if (token.startsWith("mfa_")) {
            return "an mfa_token";
        }
        if (token.startsWith("rt_")) {
            return "a refresh token";
        }
        if (token.startsWith("ac_")) {
            return "an authorization code";
        }
        if (token.startsWith("oob_")) {
            return "an oob_code";
        }
        if (token.startsWith("dt_")) {
            return "a device token";
        }
        return null;
    }
}
