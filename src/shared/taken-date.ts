/**
 * When a photo was taken, as precisely as anyone knows: a year ("1962"), a
 * month ("1962-07"), a day ("1962-07-14") or a moment ("1962-07-14T15:30:00",
 * local time, as EXIF records it). Old prints rarely carry more than a year,
 * and a scanner's EXIF date is the day of the scan, so people set it by hand.
 * The canonical forms sort as text in time order (a year before its months),
 * which is what the library's "date taken" order relies on.
 */

const FORMS = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?)?)?$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** The canonical form of a typed date ("1962", "1962-7", "1962-07-14 15:30" …), or null if it is no real date. */
export function normalizeTaken(text: string): string | null {
  const m = FORMS.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  if (year! < 1800 || year! > 2200) return null;
  if (month === undefined) return String(year);
  if (month < 1 || month > 12) return null;
  if (day === undefined) return `${year}-${pad(month)}`;
  const days = new Date(Date.UTC(year!, month, 0)).getUTCDate();
  if (day < 1 || day > days) return null;
  if (hour === undefined) return `${year}-${pad(month)}-${pad(day)}`;
  if (hour > 23 || minute! > 59 || (second ?? 0) > 59) return null;
  return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute!)}:${pad(second ?? 0)}`;
}

export const TAKEN_HINT = 'a year (1962), a month (1962-07), a day (1962-07-14) or a time (1962-07-14 15:30)';

/** A canonical date for people: "1962", "July 1962", or the day (and time) in the given locale. */
export function formatTaken(taken: string, locale?: string): string {
  const [date, time] = taken.split('T');
  const [y, m, d] = date!.split('-').map(Number);
  if (m === undefined) return String(y);
  if (d === undefined)
    return new Date(Date.UTC(y!, m - 1, 1)).toLocaleDateString(locale, {
      year: 'numeric',
      month: 'long',
      timeZone: 'UTC'
    });
  const at = new Date(
    Date.UTC(y!, m - 1, d, ...((time ?? '00:00:00').split(':').map(Number) as [number, number, number]))
  );
  return time
    ? at.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
    : at.toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' });
}

/** EXIF DateTimeOriginal ("1962:07:14 15:30:00") for a date known to the day; null for a year or a month. */
export function exifTaken(taken: string): string | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d:\d\d:\d\d))?$/.exec(taken);
  return m ? `${m[1]}:${m[2]}:${m[3]} ${m[4] ?? '00:00:00'}` : null;
}
