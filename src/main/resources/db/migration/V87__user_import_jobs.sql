-- Jobs of POST /api/v2/jobs/users-imports, read back with GET /api/v2/jobs/{id}. An import runs
-- while the request waits, so a job is stored once, completed. problems holds the rows that
-- were not imported (position, email, reason), never a password hash.
CREATE TABLE user_import_jobs (
    job_id         VARCHAR(40) PRIMARY KEY,
    connection_id  VARCHAR(64) NOT NULL,
    external_id    VARCHAR(255),
    created_at     BIGINT NOT NULL,
    total          INTEGER NOT NULL,
    inserted       INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    problems       VARCHAR(1000000) NOT NULL
);
