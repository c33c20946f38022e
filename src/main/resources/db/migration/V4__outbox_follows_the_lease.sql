-- Owed events follow their number when another worker takes it (see docs/ARCHITECTURE.md, "Owed events follow
-- the lease"). Portable SQL, as in V1 and V2.

-- The worker whose lease on the number an event of a session step was written under, or that took the number over
-- with its owed events since; NULL for an event no lease stands behind (the answer to a refused command). On a
-- shared database the relay publishes such an event only while that worker is still (or was last) the number's
-- lease holder: a worker that lost the number cannot publish for it any more. worker_id says who relays the row: its
-- author, or the survivor that adopted the outbox of a silent worker.
ALTER TABLE outbox ADD COLUMN lease_holder VARCHAR(255);

-- A number's owed events, found when the number is claimed by a new owner.
CREATE INDEX outbox_by_number ON outbox (number_id);
