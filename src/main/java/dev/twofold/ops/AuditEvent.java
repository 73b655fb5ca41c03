package dev.twofold.ops;

import dev.twofold.server.ClientIp;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A security event to record in the audit log; build one with {@link #of(AuditType)}.
 *
 * <p>The description and details are for the operator: say what happened and to whom, never a
 * password, code, token or secret. As a second line of defence, a detail whose name suggests a
 * secret is stored masked. Immutable.
 *
 * @param outcomeOfRequest whether this entry stands for the outcome of the whole request, so
 *     that the token endpoint and the Management API add no general entry of their own
 */
public record AuditEvent(
        AuditType type,
        String description,
        Optional<String> userId,
        Optional<String> clientId,
        Optional<String> ip,
        Optional<String> userAgent,
        Map<String, Object> details,
        boolean outcomeOfRequest) {

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|secret|token|otp|code|cookie|authorization|credential).*");

    public AuditEvent {
        details = Map.copyOf(details);
    }

    public static Builder of(AuditType type) {
        return new Builder(type);
    }

    /** Builds an {@link AuditEvent}; not thread-safe, use it on one thread. */
    public static final class Builder {

        private final AuditType type;
        private String description;
        private String userId;
        private String clientId;
        private String ip;
        private String userAgent;
        private final Map<String, Object> details = new LinkedHashMap<>();
        private boolean outcomeOfRequest;

        private Builder(AuditType type) {
            this.type = type;
            this.description = type.defaultDescription();
        }

        /** What happened, for the operator; never include a secret. */
        public Builder description(String value) {
            this.description = value;
            return this;
        }

        public Builder user(String value) {
            this.userId = value;
            return this;
        }

        public Builder client(String value) {
            this.clientId = value;
            return this;
        }

        public Builder ip(String value) {
            this.ip = value;
            return this;
        }

        public Builder userAgent(String value) {
            this.userAgent = value;
            return this;
        }

        /** Takes the client IP and user agent from the HTTP request. */
        public Builder request(Context context) {
            this.ip = ClientIp.of(context);
            this.userAgent = context.userAgent();
            return this;
        }

        /** Adds a detail; a name that suggests a secret has its value masked. */
        public Builder detail(String name, Object value) {
            details.put(name, SECRET_NAME.matcher(name).matches() ? "****" : value);
            return this;
        }

        /**
         * Marks the entry as the outcome of the whole request (a refresh-token reuse, a
         * lock-out): the general entry of the endpoint is then left out.
         */
        public Builder outcomeOfRequest() {
            this.outcomeOfRequest = true;
            return this;
        }

        /** Builds the event; IP and user agent default to those of the current request. */
        public AuditEvent build() {
            Optional<RequestIds.Current> request = RequestIds.request();
            return new AuditEvent(type, description, Optional.ofNullable(userId),
                    Optional.ofNullable(clientId),
                    Optional.ofNullable(ip).or(() -> request.map(current -> current.ip)),
                    Optional.ofNullable(userAgent)
                            .or(() -> request.map(current -> current.userAgent)), details,
                    outcomeOfRequest);
        }
    }
}
