-- CreateTable
CREATE TABLE "DashboardTheme" (
    "id" TEXT NOT NULL,
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
    "rating" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "ratingCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DashboardTheme_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DashboardTheme_name_key" ON "DashboardTheme"("name");

-- CreateIndex
CREATE INDEX "DashboardTheme_isPublic_createdAt_idx" ON "DashboardTheme"("isPublic", "createdAt");

-- CreateIndex
CREATE INDEX "DashboardTheme_authorId_createdAt_idx" ON "DashboardTheme"("authorId", "createdAt");

