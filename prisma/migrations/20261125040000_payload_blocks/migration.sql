-- AlterTable
ALTER TABLE "Event" ADD COLUMN "payloadBlock" INTEGER;
ALTER TABLE "Event" ADD COLUMN "payloadOffset" INTEGER;

-- CreateTable
CREATE TABLE "PayloadBlock" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "encoding" INTEGER NOT NULL,
    "size" INTEGER NOT NULL,
    "bytes" BLOB NOT NULL
);

