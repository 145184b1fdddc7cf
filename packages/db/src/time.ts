/** The DATETIME text format Prisma's SQLite adapter writes and reads, for rows we insert ourselves. */
export function sqliteNow(date = new Date()): string {
  return date.toISOString().replace("Z", "+00:00");
}
