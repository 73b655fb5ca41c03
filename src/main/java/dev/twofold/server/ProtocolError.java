package dev.twofold.server;

import dev.twofold.ops.AuditType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An error answered to the client: the error code, a description written for the developer
 * integrating with Twofold, the HTTP status, and optional extra body fields and headers.
 *
 * <p>Parsers and checks throw it; {@link ErrorResponses} is the one place that turns it into a
 * response ({@code {"error":…,"error_description":…}}, RFC 6749 §5.2). The description must say
 * what was received, what was expected and how to get it, and must never echo a secret.
 * Immutable once thrown (the builder-style methods return copies).
 *
 * <p>The operator's side is kept apart from what the client is told: {@link #subject()} (the
 * user the refusal concerns, when the server knows it) and {@link #auditType()} (a more
 * precise audit event type, such as a wrong password) feed the audit log and are never
 * written into the response.
 */
public final class ProtocolError extends RuntimeException {

    private final String error;
    private final int status;
    private final Map<String, Object> extraFields;
    private final Map<String, String> headers;
    private final Operator operator;

    /** What only the operator learns: the user concerned, and the precise audit type. */
    private record Operator(Optional<String> subject, Optional<AuditType> auditType) {
        static final Operator NONE = new Operator(Optional.empty(), Optional.empty());
    }

    private ProtocolError(String error, String description, int status,
                          Map<String, Object> extraFields, Map<String, String> headers,
                          Operator operator) {
        super(description, null, false, false);
        this.error = Objects.requireNonNull(error);
        this.status = status;
        this.extraFields = Map.copyOf(extraFields);
        this.headers = Map.copyOf(headers);
        this.operator = operator;
    }

    public static ProtocolError of(int status, String error, String description) {
        return new ProtocolError(error, description, status, Map.of(), Map.of(), Operator.NONE);
    }

    /** RFC 6749 §5.2: the request is missing a parameter, repeats one, or is malformed. */
    public static ProtocolError invalidRequest(String description) {
        return of(400, "invalid_request", description);
    }

    /** RFC 6749 §5.2: a grant (code, token, credentials) is invalid, expired or revoked. */
    public static ProtocolError invalidGrant(String description) {
        return of(400, "invalid_grant", description);
    }

    /** RFC 6749 §5.2: client authentication failed; 401 with a challenge for the scheme. */
    public static ProtocolError invalidClient(String description, String authenticateHeader) {
        return of(401, "invalid_client", description)
                .withHeader("WWW-Authenticate", authenticateHeader);
    }

    public static ProtocolError unauthorizedClient(String description) {
        return of(400, "unauthorized_client", description);
    }

    public static ProtocolError unsupportedGrantType(String description) {
        return of(400, "unsupported_grant_type", description);
    }

    public static ProtocolError invalidScope(String description) {
        return of(400, "invalid_scope", description);
    }

    public static ProtocolError accessDenied(String description) {
        return of(403, "access_denied", description);
    }

    public static ProtocolError notFound(String description) {
        return of(404, "not_found", description);
    }

    /** RFC 6750 §3.1: a bearer token is missing, malformed, expired or revoked. */
    public static ProtocolError invalidToken(String realm, String description) {
        String challenge = "Bearer realm=\"" + realm + "\", error=\"invalid_token\", "
                + "error_description=\"" + headerSafe(description) + "\"";
        return of(401, "invalid_token", description).withHeader("WWW-Authenticate", challenge);
    }

    /** RFC 6750 §3.1: no bearer token at all; the challenge carries no error code. */
    public static ProtocolError missingToken(String realm, String description) {
        return of(401, "invalid_token", description)
                .withHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
    }

    /** RFC 6750 §3.1: the token lacks a scope the resource needs. */
    public static ProtocolError insufficientScope(String realm, String scope, String description) {
        String challenge = "Bearer realm=\"" + realm + "\", error=\"insufficient_scope\", "
                + "scope=\"" + headerSafe(scope) + "\"";
        return of(403, "insufficient_scope", description).withHeader("WWW-Authenticate", challenge);
    }

    public ProtocolError withField(String name, Object value) {
        Map<String, Object> fields = new LinkedHashMap<>(extraFields);
        fields.put(name, value);
        return new ProtocolError(error, getMessage(), status, fields, headers, operator);
    }

    public ProtocolError withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new ProtocolError(error, getMessage(), status, extraFields, all, operator);
    }

    public ProtocolError withStatus(int newStatus) {
        return new ProtocolError(error, getMessage(), newStatus, extraFields, headers,
                operator);
    }

    /** A copy naming the user the refusal concerns, for the audit log only. */
    public ProtocolError withSubject(String userId) {
        return new ProtocolError(error, getMessage(), status, extraFields, headers,
                new Operator(Optional.of(userId), operator.auditType()));
    }

    /** A copy naming the subject only when none is named yet. */
    public ProtocolError withSubjectIfAbsent(String userId) {
        return operator.subject().isPresent() ? this : withSubject(userId);
    }

    /** A copy whose audit entry has this type instead of the endpoint's general one. */
    public ProtocolError withAuditType(AuditType type) {
        return new ProtocolError(error, getMessage(), status, extraFields, headers,
                new Operator(operator.subject(), Optional.of(type)));
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    public int status() {
        return status;
    }

    /** Extra body fields such as {@code mfa_token}; ordered as added. */
    public Map<String, Object> extraFields() {
        return extraFields;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The user the refusal concerns, when the server knows it; never sent to the client. */
    public Optional<String> subject() {
        return operator.subject();
    }

    /** The precise audit event type, when the raiser knows one; never sent to the client. */
    public Optional<AuditType> auditType() {
        return operator.auditType();
    }

    private static String headerSafe(String text) {
        StringBuilder safe = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            // RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E.
            if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') {
                safe.append(c);
            }
        }
        return safe.toString();
    }
}
