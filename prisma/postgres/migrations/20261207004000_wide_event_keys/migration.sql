-- Event seqs and payload block ids are 64-bit, as SQLite's INTEGER keys already are: int4 ends at 2,147,483,647
-- events (weeks of a busy fleet's hooks), after which every commit would fail. The Prisma schema keeps `Int` for
-- them: only the event store's own SQL reads and writes these columns (numbers below 2^53).
ALTER TABLE "Event" ALTER COLUMN "seq" SET DATA TYPE BIGINT;
ALTER SEQUENCE "Event_seq_seq" AS BIGINT;
ALTER TABLE "Event" ALTER COLUMN "payloadBlock" SET DATA TYPE BIGINT;
ALTER TABLE "PayloadBlock" ALTER COLUMN "id" SET DATA TYPE BIGINT;
ALTER SEQUENCE "PayloadBlock_id_seq" AS BIGINT;
