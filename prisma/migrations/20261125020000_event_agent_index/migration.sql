-- DropIndex
DROP INDEX "Event_sessionId_agentId_seq_idx";

-- CreateIndex
CREATE INDEX "Event_agentId_seq_idx" ON "Event"("agentId", "seq");

