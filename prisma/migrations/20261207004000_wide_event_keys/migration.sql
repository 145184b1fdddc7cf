-- The twin of the Postgres migration of the same name, which widens Event.seq, Event.payloadBlock and
-- PayloadBlock.id to BIGINT. Nothing to do here: SQLite's INTEGER keys are 64-bit already.
SELECT 1;
