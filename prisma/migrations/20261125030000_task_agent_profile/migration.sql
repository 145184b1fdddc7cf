-- AlterTable
ALTER TABLE "Task" ADD COLUMN "agentProfile" TEXT;

