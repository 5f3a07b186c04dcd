/** Photo rows: listing pages of the grid, details, edits and removal. */
import type Database from 'better-sqlite3';
import { StudioError } from '../../../shared/errors.ts';
import type { LibraryQuery } from '../../../shared/schemas.ts';
import type { LibraryStats, PhotoDetail, PhotoPage, PhotoSummary, Rotation } from '../../../shared/types.ts';
import {
  type Crop,
  cropProblem,
  formatCrop,
  isWholeFrame,
  normalizeTilt,
  parseCrop,
  rescaleCrop,
  shownFrame,
  turnCrop
} from '../../../shared/crop.ts';
import { normalizeTaken, TAKEN_HINT } from '../../../shared/taken-date.ts';
import { matchExpression, reindexPhoto } from './search.ts';
import { statement } from './statement.ts';

export interface PhotoRow {
  id: number;
  sha256: string;
  file_name: string;
  ext: string;
  format: string;
  width: number;
  height: number;
  bit_depth: number;
  channels: number;
  bytes: number;
  taken_at: string | null;
  orientation: number | null;
  camera: string | null;
  imported_at: string;
  caption: string | null;
  current_version_id: number | null;
  rotation: Rotation;
  tilt: number;
  crop: string | null;
}

const SUMMARY_COLUMNS = `p.id, p.sha256, p.file_name, p.format, p.width, p.height, p.bit_depth, p.taken_at, p.imported_at, p.caption, p.current_version_id, p.rotation, p.tilt, p.crop`;

function summary(r: PhotoRow): PhotoSummary {
  return {
    id: r.id,
    sha256: r.sha256,
    fileName: r.file_name,
    format: r.format,
    width: r.width,
    height: r.height,
    bitDepth: r.bit_depth,
    takenAt: r.taken_at,
    importedAt: r.imported_at,
    caption: r.caption,
    currentVersionId: r.current_version_id,
    rotation: r.rotation,
    tilt: r.tilt,
    crop: parseCrop(r.crop)
  };
}

const ORDER = {
  imported: 'p.id',
  taken: 'p.taken_at IS NULL, p.taken_at, p.id',
  name: 'p.file_name COLLATE NOCASE, p.id',
  album: 'ap.position, p.id'
} as const;

/** One page of the grid. Filters combine: album AND tag AND restored or not AND search text. */
export function listPhotos(
  db: Database.Database,
  q: Required<Pick<LibraryQuery, 'offset' | 'limit' | 'sort'>> & LibraryQuery
): PhotoPage {
  const joins: string[] = [];
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.albumId !== undefined) {
    joins.push('JOIN album_photos ap ON ap.photo_id = p.id AND ap.album_id = ?');
    params.push(q.albumId);
  }
  if (q.tag !== undefined) {
    where.push(
      'EXISTS (SELECT 1 FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id = p.id AND t.name = ?)'
    );
    params.push(q.tag);
  }
  if (q.restored !== undefined) where.push(`p.current_version_id IS ${q.restored ? 'NOT ' : ''}NULL`);
  if (q.search !== undefined && q.search.trim() !== '') {
    const match = matchExpression(q.search);
    if (match === null) return { total: 0, offset: q.offset, items: [] };
    where.push('p.id IN (SELECT rowid FROM photo_search WHERE photo_search MATCH ?)');
    params.push(match);
  }
  const from = `FROM photos p ${joins.join(' ')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const order = q.sort === 'album' && q.albumId === undefined ? ORDER.imported : ORDER[q.sort];
  return db.transaction(() => {
    const total = (statement(db, `SELECT COUNT(*) AS n ${from}`).get(...params) as { n: number }).n;
    const rows = statement(db, `SELECT ${SUMMARY_COLUMNS} ${from} ORDER BY ${order} LIMIT ? OFFSET ?`).all(
      ...params,
      q.limit,
      q.offset
    ) as PhotoRow[];
    return { total, offset: q.offset, items: rows.map(summary) };
  })();
}

const cropText = (c: Crop | null): string | null => (c ? formatCrop(c) : null);

/** Refuses a turn or crop while versions made from the photo as it is shown exist or are being made. */
function assertReframable(db: Database.Database, row: PhotoRow, action: string): void {
  const versions = statement(db, 'SELECT COUNT(*) FROM versions WHERE photo_id = ?').pluck().get(row.id) as number;
  if (versions > 0) {
    throw new StudioError(
      'conflict',
      `${row.file_name} has ${versions} restored version${versions === 1 ? '' : 's'}: delete ${versions === 1 ? 'it' : 'them'} to ${action}, then restore it again`
    );
  }
  const active = statement(db, "SELECT COUNT(*) FROM jobs WHERE photo_id = ? AND state IN ('queued', 'running')")
    .pluck()
    .get(row.id) as number;
  if (active > 0)
    throw new StudioError(
      'conflict',
      `${row.file_name} is being restored: wait for the restore to finish or cancel it, then ${action}`
    );
}

/** The photo's row, or undefined when there is none (removed meanwhile). */
export function findPhotoRow(db: Database.Database, id: number): PhotoRow | undefined {
  return statement(db, 'SELECT * FROM photos WHERE id = ?').get(id) as PhotoRow | undefined;
}

export function findPhotoBySha(db: Database.Database, sha256: string): PhotoRow | undefined {
  return statement(db, 'SELECT * FROM photos WHERE sha256 = ?').get(sha256) as PhotoRow | undefined;
}

export function getPhotoRow(db: Database.Database, id: number): PhotoRow {
  const row = findPhotoRow(db, id);
  if (!row) throw new StudioError('not-found', `no photo with id ${id}`);
  return row;
}

export function getPhoto(db: Database.Database, id: number): PhotoDetail {
  return db.transaction(() => {
    const r = getPhotoRow(db, id);
    const tags = (
      statement(
        db,
        'SELECT t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id = ? ORDER BY t.name COLLATE NOCASE'
      ).all(id) as { name: string }[]
    ).map((t) => t.name);
    const albumIds = (
      statement(db, 'SELECT album_id FROM album_photos WHERE photo_id = ? ORDER BY album_id').all(id) as {
        album_id: number;
      }[]
    ).map((a) => a.album_id);
    return {
      ...summary(r),
      orientation: r.orientation,
      camera: r.camera,
      channels: r.channels,
      bytes: r.bytes,
      tags,
      albumIds
    };
  })();
}

/**
 * Caption, date, current version, turn, straightening and crop; a version must belong to the photo. A photo
 * turns, straightens or is cropped only while it has no restored versions and no restore queued or running: versions are made from
 * the photo as shown, so changing that under them would leave them the other way round or cut differently.
 * A turn carries the crop round with the picture.
 */
export function updatePhoto(
  db: Database.Database,
  id: number,
  patch: {
    caption?: string | null;
    currentVersionId?: number | null;
    rotation?: Rotation;
    takenAt?: string | null;
    tilt?: number;
    crop?: Crop | null;
  }
): PhotoDetail {
  db.transaction(() => {
    const row = getPhotoRow(db, id);
    if (patch.takenAt !== undefined) {
      const taken = patch.takenAt === null ? null : normalizeTaken(patch.takenAt);
      if (patch.takenAt !== null && taken === null)
        throw new StudioError('invalid-input', `"${patch.takenAt}" is not a date: give ${TAKEN_HINT}`);
      statement(db, 'UPDATE photos SET taken_at = ? WHERE id = ?').run(taken, id);
      reindexPhoto(db, id);
    }
    let rotation = row.rotation;
    let tilt = row.tilt;
    let crop = parseCrop(row.crop);
    if (patch.rotation !== undefined && patch.rotation !== row.rotation) {
      assertReframable(db, row, 'turn the photo');
      if (crop) crop = turnCrop(crop, (patch.rotation - row.rotation) / 90, shownFrame(row));
      rotation = patch.rotation;
    }
    if (patch.tilt !== undefined && normalizeTilt(patch.tilt) !== row.tilt) {
      assertReframable(db, row, 'straighten the photo');
      tilt = normalizeTilt(patch.tilt);
      if (crop) crop = rescaleCrop(crop, shownFrame({ ...row, rotation }), shownFrame({ ...row, rotation, tilt }));
    }
    if (patch.crop !== undefined) {
      // In the frame the patch leaves the photo in (a turn or straightening in the same patch comes first).
      const frame = shownFrame({ ...row, rotation, tilt });
      const problem = patch.crop === null ? null : cropProblem(patch.crop, frame);
      if (problem) throw new StudioError('invalid-input', `${row.file_name}: ${problem}`);
      const wanted = patch.crop === null || isWholeFrame(patch.crop, frame) ? null : patch.crop;
      if (cropText(wanted) !== cropText(crop)) {
        assertReframable(db, row, wanted === null ? 'uncrop the photo' : 'crop the photo');
        crop = wanted;
      }
    }
    if (rotation !== row.rotation || tilt !== row.tilt || cropText(crop) !== row.crop) {
      statement(db, 'UPDATE photos SET rotation = ?, tilt = ?, crop = ? WHERE id = ?').run(
        rotation,
        tilt,
        cropText(crop),
        id
      );
    }
    if (patch.caption !== undefined) {
      const caption = patch.caption === null || patch.caption.trim() === '' ? null : patch.caption;
      statement(db, 'UPDATE photos SET caption = ? WHERE id = ?').run(caption, id);
      reindexPhoto(db, id);
    }
    if (patch.currentVersionId !== undefined) {
      if (patch.currentVersionId !== null) {
        const v = statement(db, 'SELECT photo_id FROM versions WHERE id = ?').get(patch.currentVersionId) as
          { photo_id: number } | undefined;
        if (!v) throw new StudioError('not-found', `no version with id ${patch.currentVersionId}`);
        if (v.photo_id !== id)
          throw new StudioError('invalid-input', `version ${patch.currentVersionId} belongs to another photo`);
      }
      statement(db, 'UPDATE photos SET current_version_id = ? WHERE id = ?').run(patch.currentVersionId, id);
    }
  })();
  return getPhoto(db, id);
}

/**
 * Deletes the rows of photos (their album places, tags, versions and jobs go
 * with them) and returns what is left to delete on disk. Unknown ids are an
 * error and nothing is removed.
 */
export function removePhotoRows(db: Database.Database, ids: number[]): { id: number; sha256: string; ext: string }[] {
  return db.transaction(() => {
    const gone: { id: number; sha256: string; ext: string }[] = [];
    const find = statement(db, 'SELECT id, sha256, ext FROM photos WHERE id = ?');
    for (const id of new Set(ids)) {
      const row = find.get(id) as { id: number; sha256: string; ext: string } | undefined;
      if (!row) throw new StudioError('not-found', `no photo with id ${id}`);
      gone.push(row);
    }
    const del = statement(db, 'DELETE FROM photos WHERE id = ?');
    const unindex = statement(db, 'DELETE FROM photo_search WHERE rowid = ?');
    for (const { id } of gone) {
      del.run(id);
      unindex.run(id);
    }
    statement(db, 'DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM photo_tags)').run();
    return gone;
  })();
}

export function libraryStats(db: Database.Database): Pick<LibraryStats, 'photos' | 'albums' | 'tags' | 'bytes'> {
  const row = statement(
    db,
    `SELECT (SELECT COUNT(*) FROM photos) AS photos, (SELECT COUNT(*) FROM albums) AS albums,
              (SELECT COUNT(*) FROM tags) AS tags, (SELECT COALESCE(SUM(bytes), 0) FROM photos) AS bytes`
  ).get() as Pick<LibraryStats, 'photos' | 'albums' | 'tags' | 'bytes'>;
  return row;
}
