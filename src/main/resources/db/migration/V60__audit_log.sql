-- Security events for operators (GET /api/v2/logs), in the shape of Auth0's tenant logs.
-- Never holds a secret: no passwords, codes or tokens, in any column or in details.
-- No foreign key to users: an audit entry outlives the user it is about.
CREATE TABLE audit_log (
    log_id       VARCHAR(40) PRIMARY KEY,
    occurred_at  BIGINT NOT NULL,
    event_type   VARCHAR(64) NOT NULL,
    outcome      VARCHAR(16) NOT NULL,
    description  VARCHAR(1000) NOT NULL,
    user_id      VARCHAR(128),
    client_id    VARCHAR(128),
    ip           VARCHAR(64),
    user_agent   VARCHAR(512),
    request_id   VARCHAR(64),
    details      VARCHAR(8000) NOT NULL
);
CREATE INDEX audit_log_time ON audit_log(occurred_at);
CREATE INDEX audit_log_user ON audit_log(user_id, occurred_at);
