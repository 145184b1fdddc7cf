-- DropIndex
DROP INDEX "Command_idempotencyKey_key";

-- CreateIndex
CREATE UNIQUE INDEX "Command_agentId_kind_idempotencyKey_key" ON "Command"("agentId", "kind", "idempotencyKey");
