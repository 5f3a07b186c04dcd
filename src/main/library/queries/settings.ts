/** Small app settings kept in the library (JSON values by key). */
import type Database from 'better-sqlite3';
import { statement } from './statement.ts';

export function getSetting(db: Database.Database, key: string): unknown {
  const text = statement(db, 'SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function setSetting(db: Database.Database, key: string, value: unknown): void {
  statement(
    db,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'
  ).run(key, JSON.stringify(value));
}
