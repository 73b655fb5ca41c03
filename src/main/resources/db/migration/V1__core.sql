-- Twofold schema, version 1. Runs unchanged on PostgreSQL and on H2 (PostgreSQL mode).
-- Times are epoch milliseconds (BIGINT) so both databases compare them the same way.
-- Secrets are never stored as sent: *_hash columns hold SHA-256 (tokens, codes) or Argon2id
-- (passwords, client secrets); *_enc columns hold AES-GCM ciphertext (see crypto.SecretBox).

CREATE TABLE tenant_settings (
    name        VARCHAR(100) PRIMARY KEY,
    setting_value VARCHAR(4000) NOT NULL
);

CREATE TABLE signing_keys (
    kid          VARCHAR(64) PRIMARY KEY,
    alg          VARCHAR(16) NOT NULL,
    private_jwk_enc VARCHAR(8000) NOT NULL,
    public_jwk   VARCHAR(4000) NOT NULL,
    created_at   BIGINT NOT NULL,
    activated_at BIGINT,
    retired_at   BIGINT
);

CREATE TABLE clients (
    client_id          VARCHAR(128) PRIMARY KEY,
    name               VARCHAR(255) NOT NULL,
    app_type           VARCHAR(32) NOT NULL,
    secret_hash        VARCHAR(255),
    secret_enc         VARCHAR(1000),
    token_endpoint_auth_method VARCHAR(32) NOT NULL,
    grant_types        VARCHAR(2000) NOT NULL,
    redirect_uris      VARCHAR(8000) NOT NULL,
    logout_urls        VARCHAR(8000) NOT NULL,
    allowed_origins    VARCHAR(8000) NOT NULL,
    mfa_policy         VARCHAR(32),
    is_first_party     BOOLEAN NOT NULL,
    metadata           VARCHAR(8000) NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);

CREATE TABLE resource_servers (
    id              VARCHAR(64) PRIMARY KEY,
    identifier      VARCHAR(1000) NOT NULL UNIQUE,
    name            VARCHAR(255) NOT NULL,
    signing_alg     VARCHAR(16) NOT NULL,
    scopes          VARCHAR(8000) NOT NULL,
    token_lifetime  INTEGER NOT NULL,
    allow_offline_access BOOLEAN NOT NULL,
    is_system       BOOLEAN NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE client_grants (
    id          VARCHAR(64) PRIMARY KEY,
    client_id   VARCHAR(128) NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    audience    VARCHAR(1000) NOT NULL,
    scope       VARCHAR(8000) NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (client_id, audience)
);

CREATE TABLE users (
    user_id          VARCHAR(128) PRIMARY KEY,
    connection_name  VARCHAR(128) NOT NULL,
    email            VARCHAR(320),
    email_key        VARCHAR(320),
    email_verified   BOOLEAN NOT NULL,
    password_hash    VARCHAR(255),
    name             VARCHAR(255),
    nickname         VARCHAR(255),
    given_name       VARCHAR(255),
    family_name      VARCHAR(255),
    picture          VARCHAR(2000),
    phone_number     VARCHAR(64),
    blocked          BOOLEAN NOT NULL,
    app_metadata     VARCHAR(8000) NOT NULL,
    user_metadata    VARCHAR(8000) NOT NULL,
    logins_count     INTEGER NOT NULL,
    last_login       BIGINT,
    password_changed_at BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (connection_name, email_key)
);

-- One row per enrolled (or being enrolled) factor. id looks like 'totp|dev_…', 'sms|dev_…'.
CREATE TABLE authenticators (
    id               VARCHAR(80) PRIMARY KEY,
    user_id          VARCHAR(128) NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    kind             VARCHAR(32) NOT NULL,
    active           BOOLEAN NOT NULL,
    secret_enc       VARCHAR(1000),
    phone_enc        VARCHAR(1000),
    email            VARCHAR(320),
    display_name     VARCHAR(255),
    code_hash        VARCHAR(255),
    last_used_step   BIGINT,
    created_at       BIGINT NOT NULL,
    confirmed_at     BIGINT,
    last_auth_at     BIGINT
);
CREATE INDEX authenticators_user ON authenticators(user_id);

-- A pending login that needs a second factor (the mfa_token), or a step-up from an
-- MFA-audience access token (token_hash is then the hash of the access token's jti).
CREATE TABLE mfa_transactions (
    id               VARCHAR(64) PRIMARY KEY,
    token_hash       VARCHAR(128) NOT NULL UNIQUE,
    kind             VARCHAR(16) NOT NULL,
    user_id          VARCHAR(128) NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    client_id        VARCHAR(128) NOT NULL,
    audience         VARCHAR(1000),
    scope            VARCHAR(2000),
    amr              VARCHAR(255) NOT NULL,
    auth_time        BIGINT NOT NULL,
    details          VARCHAR(8000) NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    consumed_at      BIGINT
);

-- An out-of-band code sent by SMS, voice or email, bound to one oob_code, one authenticator
-- and one MFA transaction.
CREATE TABLE oob_challenges (
    id               VARCHAR(64) PRIMARY KEY,
    oob_code_hash    VARCHAR(128) NOT NULL UNIQUE,
    transaction_id   VARCHAR(64) NOT NULL REFERENCES mfa_transactions(id) ON DELETE CASCADE,
    authenticator_id VARCHAR(80) NOT NULL REFERENCES authenticators(id) ON DELETE CASCADE,
    binding_code_hash VARCHAR(128) NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    used_at          BIGINT
);

-- Failed verification counters, shared by every node. subject is 'user:…' or 'authenticator:…'.
CREATE TABLE attempt_counters (
    subject          VARCHAR(200) PRIMARY KEY,
    failures         INTEGER NOT NULL,
    window_started_at BIGINT NOT NULL,
    locked_until     BIGINT
);

-- Fixed-window counters for sending limits; key names the limit and its subject.
CREATE TABLE rate_windows (
    limit_key        VARCHAR(300) PRIMARY KEY,
    window_started_at BIGINT NOT NULL,
    hits             INTEGER NOT NULL
);

CREATE TABLE authorization_codes (
    code_hash        VARCHAR(128) PRIMARY KEY,
    client_id        VARCHAR(128) NOT NULL,
    user_id          VARCHAR(128) NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    redirect_uri     VARCHAR(2000) NOT NULL,
    details          VARCHAR(8000) NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    used_at          BIGINT
);

-- Refresh tokens rotate; all tokens of one login share a family_id, and reuse of a rotated
-- token revokes the family (RFC 9700 §4.14.2).
CREATE TABLE refresh_tokens (
    token_hash       VARCHAR(128) PRIMARY KEY,
    family_id        VARCHAR(64) NOT NULL,
    client_id        VARCHAR(128) NOT NULL,
    user_id          VARCHAR(128) NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    details          VARCHAR(8000) NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    rotated_at       BIGINT,
    revoked_at       BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

-- Families (and single access tokens, by jti) revoked before their expiry.
CREATE TABLE revocations (
    subject          VARCHAR(128) PRIMARY KEY,
    revoked_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL
);

-- Browser sessions of the hosted pages; id_hash is the SHA-256 of the cookie value.
CREATE TABLE browser_sessions (
    id_hash          VARCHAR(128) PRIMARY KEY,
    user_id          VARCHAR(128) NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    amr              VARCHAR(255) NOT NULL,
    auth_time        BIGINT NOT NULL,
    mfa_time         BIGINT,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    revoked_at       BIGINT
);

-- Authorization requests waiting for the user on the hosted pages.
CREATE TABLE authorize_requests (
    id               VARCHAR(64) PRIMARY KEY,
    client_id        VARCHAR(128) NOT NULL,
    details          VARCHAR(8000) NOT NULL,
    user_id          VARCHAR(128),
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL
);

-- Messages the console senders printed, for GET /dev/outbox in development mode.
CREATE TABLE dev_outbox (
    id               VARCHAR(64) PRIMARY KEY,
    channel          VARCHAR(16) NOT NULL,
    destination      VARCHAR(320) NOT NULL,
    body             VARCHAR(2000) NOT NULL,
    sent_at          BIGINT NOT NULL
);
CREATE INDEX dev_outbox_destination ON dev_outbox(destination, sent_at);
