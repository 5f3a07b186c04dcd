/**
 * Relative paths of files found by walking dropped folders in the browser.
 * `File.webkitRelativePath` is read-only and empty for dropped entries, so the
 * walker records each path here; uploads keep the folder structure with it.
 */
const paths = new WeakMap<File, string>();

export function setRelativePath(file: File, path: string): void {
  paths.set(file, path);
}

/** The folder-relative path to upload a file under (made unique by `uniquePath`). */
export function relativePathOf(file: File, index: number): string {
  // Typed loosely: this file is also type-checked (by the unit tests) without the DOM lib.
  const fromInput = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
  const raw: string = paths.get(file) || fromInput || file.name || `file-${index}`;
  const clean = raw
    .split('/')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a file name
    .map((p) => p.replace(/[\u0000-\u001f\\:]/g, '_').slice(0, 255))
    .filter((p) => p !== '' && p !== '.' && p !== '..')
    .join('/');
  return clean || `file-${index}`;
}

/** Makes `path` unique within `used` by numbering the file name: `a.jpg`, `a (2).jpg`. */
export function uniquePath(path: string, used: Set<string>): string {
  let candidate = path;
  const dot = path.lastIndexOf('.');
  const slash = path.lastIndexOf('/');
  const [stem, ext] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
  for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
  used.add(candidate.toLowerCase());
  return candidate;
}
