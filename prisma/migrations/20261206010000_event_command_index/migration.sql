-- CreateIndex
CREATE INDEX "Event_commandId_seq_idx" ON "Event"("commandId", "seq");
