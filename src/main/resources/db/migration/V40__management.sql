-- Management API additions. Runs unchanged on PostgreSQL and on H2 (PostgreSQL mode).

-- The description of each scope a resource server defines (resource_servers.scopes keeps the
-- names that token issuance reads; this keeps what the Management API shows next to them).
CREATE TABLE resource_server_scope_descriptions (
    resource_server_id VARCHAR(64) NOT NULL REFERENCES resource_servers(id) ON DELETE CASCADE,
    scope_value        VARCHAR(280) NOT NULL,
    description        VARCHAR(1000) NOT NULL,
    PRIMARY KEY (resource_server_id, scope_value)
);

-- MFA enrollment tickets (POST /api/v2/guardian/enrollments/ticket): the ticket itself is a
-- bearer secret, so only its SHA-256 is stored; it is spent once, when the user enrolls.
CREATE TABLE enrollment_tickets (
    id           VARCHAR(64) PRIMARY KEY,
    ticket_hash  VARCHAR(128) NOT NULL UNIQUE,
    user_id      VARCHAR(128) NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE INDEX enrollment_tickets_user ON enrollment_tickets(user_id);
