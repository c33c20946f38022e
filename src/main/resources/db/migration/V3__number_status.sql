-- Where each number stands, as the last worker that changed it recorded it: what a status request is answered
-- from when no worker has the number live, and what a resync reports. One row per number (not per worker): with a
-- shared PostgreSQL database the fleet knows each number once. Written with the step's record and events (one
-- transaction); a row stays after its session ended, saying how it ended. Never holds a QR payload or a pairing
-- code. Portable SQL, instants in epoch milliseconds as in V1.
CREATE TABLE number_status (
    number_id           BIGINT       NOT NULL PRIMARY KEY,
    worker_id           VARCHAR(255) NOT NULL,
    session_id          VARCHAR(128) NOT NULL,
    state               VARCHAR(16)  NOT NULL,
    since               BIGINT,
    pairing_method      VARCHAR(8),
    attempt             INTEGER      NOT NULL,
    qr_index            INTEGER      NOT NULL,
    expires_at          BIGINT,
    jid                 VARCHAR(255),
    linked_phone_number VARCHAR(64),
    code                VARCHAR(64),
    reason              TEXT,
    updated_at          BIGINT       NOT NULL
);
