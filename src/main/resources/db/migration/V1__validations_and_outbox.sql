-- The worker's own record (the device store is whatsmeow's, elsewhere). Portable SQL: the same script runs on
-- SQLite (the default, <worker.data-dir>/worker.db) and on PostgreSQL. Instants are epoch milliseconds.

-- One row per number with a live session on this worker: what was accepted and where its validation stands.
CREATE TABLE validation (
    worker_id      VARCHAR(255) NOT NULL,
    number_id      BIGINT       NOT NULL,
    phone_number   VARCHAR(64)  NOT NULL,
    pairing_method VARCHAR(8)   NOT NULL,
    correlation_id VARCHAR(255),
    state          VARCHAR(16)  NOT NULL,
    attempt        INTEGER      NOT NULL,
    qr_index       INTEGER      NOT NULL,
    started_at     BIGINT,
    updated_at     BIGINT       NOT NULL,
    PRIMARY KEY (worker_id, number_id)
);

-- The transactional outbox: events owed to the backend, written in the transaction of the state change that
-- caused them, deleted once the broker confirmed them. seq orders them (per number, which is what matters).
CREATE TABLE outbox (
    event_id       VARCHAR(36)  NOT NULL PRIMARY KEY,
    worker_id      VARCHAR(255) NOT NULL,
    seq            BIGINT       NOT NULL,
    number_id      BIGINT       NOT NULL,
    action         VARCHAR(32)  NOT NULL,
    occurred_at    BIGINT       NOT NULL,
    correlation_id VARCHAR(255),
    body           TEXT         NOT NULL,
    stored_at      BIGINT       NOT NULL
);

CREATE INDEX outbox_by_worker_and_seq ON outbox (worker_id, seq);
