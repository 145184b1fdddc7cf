-- CreateTable
CREATE TABLE "DashboardTheme" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "colors" TEXT NOT NULL,
    "isPublic" BOOLEAN NOT NULL DEFAULT false,
    "authorId" TEXT,
    "authorName" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "search" TEXT NOT NULL DEFAULT '',
    "downloadCount" INTEGER NOT NULL DEFAULT 0,
    "rating" REAL NOT NULL DEFAULT 0,
    "ratingCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "DashboardTheme_name_key" ON "DashboardTheme"("name");

-- CreateIndex
CREATE INDEX "DashboardTheme_isPublic_createdAt_idx" ON "DashboardTheme"("isPublic", "createdAt");

-- CreateIndex
CREATE INDEX "DashboardTheme_authorId_createdAt_idx" ON "DashboardTheme"("authorId", "createdAt");

