-- The Postgres baseline: every model of prisma/schema.prisma as of the SQLite migration 20261206051200_task_handoff
-- (generated with `prisma migrate diff --from-empty --to-schema-datamodel prisma/postgres/schema.prisma --script`).
-- Every later SQLite migration gets a twin of the same name here (test: packages/db/test/schema-twins.test.ts).

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "externalKey" TEXT,
    "workspaceRoot" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "driver" TEXT NOT NULL,
    "model" TEXT,
    "status" TEXT NOT NULL DEFAULT 'starting',
    "config" TEXT NOT NULL DEFAULT '{}',
    "processId" INTEGER,
    "externalSessionId" TEXT,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "budgetUsd" DOUBLE PRECISION,
    "budgetTokens" INTEGER,
    "lastEventAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Command" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "input" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "result" TEXT,
    "error" TEXT,
    "idempotencyKey" TEXT,
    "taskId" TEXT,
    "issuedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Command_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "agentId" TEXT,
    "parentId" TEXT,
    "dependsOn" TEXT NOT NULL DEFAULT '[]',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "budgetUsd" DOUBLE PRECISION,
    "budgetTokens" INTEGER,
    "agentProfile" TEXT,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "tokens" INTEGER NOT NULL DEFAULT 0,
    "result" TEXT,
    "error" TEXT,
    "branch" TEXT,
    "baseCommit" TEXT,
    "headCommit" TEXT,
    "mergeConflict" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "seq" SERIAL NOT NULL,
    "eventId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "agentId" TEXT,
    "taskId" TEXT,
    "commandId" TEXT,
    "source" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "hookEventType" TEXT,
    "schemaVersion" INTEGER NOT NULL,
    "clientTs" DOUBLE PRECISION,
    "receivedAt" DOUBLE PRECISION NOT NULL,
    "toolName" TEXT,
    "filePath" TEXT,
    "status" TEXT,
    "costUsd" DOUBLE PRECISION,
    "inputTokens" INTEGER,
    "outputTokens" INTEGER,
    "summary" TEXT,
    "payloadEncoding" INTEGER NOT NULL DEFAULT 0,
    "payloadSize" INTEGER NOT NULL DEFAULT 0,
    "payload" BYTEA,
    "payloadBlock" INTEGER,
    "payloadOffset" INTEGER,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "PayloadBlock" (
    "id" INTEGER NOT NULL,
    "encoding" INTEGER NOT NULL,
    "size" INTEGER NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "PayloadBlock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "agentId" TEXT,
    "taskId" TEXT,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "mimeType" TEXT,
    "size" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SessionStats" (
    "sessionId" TEXT NOT NULL,
    "events" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "toolOk" INTEGER NOT NULL DEFAULT 0,
    "toolFailed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SessionStats_pkey" PRIMARY KEY ("sessionId")
);

-- CreateTable
CREATE TABLE "PermissionRequest" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "commandId" TEXT,
    "toolName" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "toolUseId" TEXT,
    "reason" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decision" TEXT,
    "answeredBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PermissionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PermissionRule" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "pattern" TEXT,
    "action" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL DEFAULT 'operator',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PermissionRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Session_externalKey_key" ON "Session"("externalKey");

-- CreateIndex
CREATE INDEX "Agent_sessionId_status_idx" ON "Agent"("sessionId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_sessionId_externalSessionId_key" ON "Agent"("sessionId", "externalSessionId");

-- CreateIndex
CREATE INDEX "Command_agentId_status_idx" ON "Command"("agentId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Command_agentId_kind_idempotencyKey_key" ON "Command"("agentId", "kind", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Task_sessionId_status_idx" ON "Task"("sessionId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Event_eventId_key" ON "Event"("eventId");

-- CreateIndex
CREATE INDEX "Event_sessionId_seq_idx" ON "Event"("sessionId", "seq");

-- CreateIndex
CREATE INDEX "Event_agentId_seq_idx" ON "Event"("agentId", "seq");

-- CreateIndex
CREATE INDEX "Event_commandId_seq_idx" ON "Event"("commandId", "seq");

-- CreateIndex
CREATE INDEX "Artifact_sessionId_idx" ON "Artifact"("sessionId");

-- CreateIndex
CREATE INDEX "PermissionRequest_status_createdAt_idx" ON "PermissionRequest"("status", "createdAt");

-- CreateIndex
CREATE INDEX "PermissionRequest_sessionId_createdAt_idx" ON "PermissionRequest"("sessionId", "createdAt");

-- CreateIndex
CREATE INDEX "PermissionRule_sessionId_idx" ON "PermissionRule"("sessionId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");

-- CreateIndex
CREATE INDEX "ApiToken_name_idx" ON "ApiToken"("name");

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Command" ADD CONSTRAINT "Command_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Task"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Block ids are never reused (SQLite: AUTOINCREMENT on PayloadBlock.id): the event store draws them from this
-- sequence, found through pg_get_serial_sequence since the column owns it.
CREATE SEQUENCE "PayloadBlock_id_seq" OWNED BY "PayloadBlock"."id";
