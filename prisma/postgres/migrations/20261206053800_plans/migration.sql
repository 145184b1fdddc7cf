-- AlterTable
ALTER TABLE "Session" ADD COLUMN "autoApprovePlans" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN "planId" TEXT;
ALTER TABLE "Task" ADD COLUMN "planKey" TEXT;

-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "goal" TEXT NOT NULL,
    "constraints" TEXT,
    "budgetUsd" DOUBLE PRECISION,
    "status" TEXT NOT NULL DEFAULT 'planning',
    "plannerProfile" TEXT NOT NULL DEFAULT '{}',
    "plannerAgentId" TEXT,
    "tasks" TEXT NOT NULL DEFAULT '[]',
    "refusals" TEXT NOT NULL DEFAULT '[]',
    "maxRefusals" INTEGER NOT NULL DEFAULT 3,
    "round" INTEGER NOT NULL DEFAULT 0,
    "decision" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Plan_sessionId_createdAt_idx" ON "Plan"("sessionId", "createdAt");

-- AddForeignKey
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;
