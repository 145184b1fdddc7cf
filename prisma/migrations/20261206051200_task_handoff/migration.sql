-- AlterTable
ALTER TABLE "Task" ADD COLUMN "branch" TEXT;
ALTER TABLE "Task" ADD COLUMN "baseCommit" TEXT;
ALTER TABLE "Task" ADD COLUMN "headCommit" TEXT;
ALTER TABLE "Task" ADD COLUMN "mergeConflict" TEXT;

-- AlterTable
ALTER TABLE "Artifact" ADD COLUMN "taskId" TEXT;
