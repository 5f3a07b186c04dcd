/**
 * How fast this machine restores, for the queue's time-left estimates: each
 * stage's seconds per megapixel, the median over the latest full restores
 * (their versions record per-stage seconds and the size restored).
 */
import type Database from 'better-sqlite3';
import { parseCrop } from '../../../shared/crop.ts';
import type { StageRates } from '../../jobs/progress.ts';
import { statement } from './statement.ts';

const STAGES = ['detect', 'encode', 'map', 'decode'] as const;

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median seconds per megapixel of each stage over the latest `limit` full restores; a stage never run is missing. */
export function stageRates(db: Database.Database, limit = 20): StageRates {
  const rows = statement(
    db,
    `SELECT stats FROM versions WHERE kind = 'restore' AND stats IS NOT NULL ORDER BY id DESC LIMIT ?`
  ).all(limit) as { stats: string }[];
  const per: Record<string, number[]> = {};
  for (const { stats } of rows) {
    const s = JSON.parse(stats) as { seconds?: Record<string, number>; width?: number; height?: number };
    const mp = ((s.width ?? 0) * (s.height ?? 0)) / 1e6;
    if (!(mp > 0) || !s.seconds) continue;
    for (const stage of STAGES) {
      const seconds = s.seconds[stage];
      if (typeof seconds === 'number' && seconds >= 0) (per[stage] ??= []).push(seconds / mp);
    }
  }
  const rates: StageRates = {};
  for (const stage of STAGES) {
    const m = median(per[stage] ?? []);
    if (m !== undefined) rates[stage] = m;
  }
  return rates;
}

/** The megapixels a restore of the photo works on: its crop when it has one, else the whole photo. */
export function restoreMegapixels(db: Database.Database, photoId: number): number {
  const row = statement(db, 'SELECT width, height, crop FROM photos WHERE id = ?').get(photoId) as
    { width: number; height: number; crop: string | null } | undefined;
  if (!row) return 0;
  const crop = parseCrop(row.crop);
  return crop ? (crop.width * crop.height) / 1e6 : (row.width * row.height) / 1e6;
}
