-- Remembered devices: a browser cookie or an API device_token (dt_...) that lets a user skip
-- the second factor on that device for a while. Only the SHA-256 of the value is stored.
-- factors_hash is the SHA-256 of the user's active authenticator ids when the device was
-- remembered: removing (or adding) a factor changes it and so ends the device.
CREATE TABLE remembered_devices (
    id               VARCHAR(64) PRIMARY KEY,
    token_hash       VARCHAR(128) NOT NULL UNIQUE,
    user_id          VARCHAR(128) NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    client_id        VARCHAR(128) NOT NULL,
    kind             VARCHAR(16) NOT NULL,
    factors_hash     VARCHAR(128) NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    revoked_at       BIGINT
);
CREATE INDEX remembered_devices_user ON remembered_devices (user_id);
