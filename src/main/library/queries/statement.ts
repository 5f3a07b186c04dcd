/**
 * Statements are prepared once per open database and reused: preparing costs
 * more than running most of the library's queries. SQLite prepares a statement
 * again by itself when the schema changes under it (a migration), so a cached
 * one stays valid. SQL built with a varying text (sorts, filters) would grow the
 * cache without end, so past MAX the least recently used ones are let go.
 */
import type Database from 'better-sqlite3';

const MAX = 500;
const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The statement for `sql` on `db`, in its plain mode: rows as objects (call `.pluck()` or `.raw()` per use). */
export function statement(db: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (s) cache.delete(sql);
  else s = db.prepare(sql);
  cache.set(sql, s);
  if (cache.size > MAX) cache.delete(cache.keys().next().value!);
  // `.pluck()` and `.raw()` stay set on a statement: another caller of the same SQL wants objects.
  if (s.reader) s.pluck(false).raw(false);
  return s;
}
