/**
 * Turns a drop into a list of files. Electron resolves real paths for the
 * dropped items (folders included, the import service recurses), so the raw
 * files are enough; a browser page only gets folder contents by walking
 * `webkitGetAsEntry()` directories, recording each file's relative path.
 */
import { setRelativePath } from '../api/relative-paths.ts';

/** Whether a drag carries files (as opposed to photos dragged inside the app). */
export function hasFiles(dt: DataTransfer | null): boolean {
  return !!dt && Array.from(dt.types).includes('Files');
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call; keep reading until empty.
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out);
        else {
          out.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, prefix: string, out: File[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await fileOf(entry as FileSystemFileEntry);
    setRelativePath(file, path);
    out.push(file);
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, path, out);
  }
}

/** Every file in a drop, folders expanded (browser) or passed through (Electron). */
export async function filesFromDrop(dt: DataTransfer, transport: 'electron' | 'browser'): Promise<File[]> {
  if (transport === 'electron') return Array.from(dt.files);
  // Entries must be taken synchronously, before the drop event returns.
  const entries = Array.from(dt.items)
    .filter((i) => i.kind === 'file')
    .map((i) => i.webkitGetAsEntry());
  const files: File[] = [];
  for (const entry of entries) if (entry) await walk(entry, '', files);
  return files.length > 0 ? files : Array.from(dt.files);
}
