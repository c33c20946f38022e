-- Coordination of several workers on one shared (PostgreSQL) database; created on SQLite too, where one worker
-- alone never reads it. Portable SQL, instants in epoch milliseconds as in V1.

-- Every worker that ever started on this database, with its own command queue and its last sign of life.
CREATE TABLE worker_registry (
    worker_id    VARCHAR(255) NOT NULL PRIMARY KEY,
    queue        VARCHAR(255) NOT NULL,
    heartbeat_at BIGINT       NOT NULL
);

-- One lease per number: who owns it until when. token grows by one at each change of owner (a fencing token);
-- a released lease keeps its row with expires_at 0, so that tokens never go back.
CREATE TABLE number_lease (
    number_id  BIGINT       NOT NULL PRIMARY KEY,
    owner_id   VARCHAR(255) NOT NULL,
    expires_at BIGINT       NOT NULL,
    token      BIGINT       NOT NULL
);

CREATE INDEX number_lease_by_owner ON number_lease (owner_id);

-- The simulated network's linked devices, when they are shared (whatsmeow keeps its own tables).
CREATE TABLE simulated_device (
    number_id    BIGINT       NOT NULL PRIMARY KEY,
    phone_number VARCHAR(64)  NOT NULL,
    jid          VARCHAR(255) NOT NULL
);
