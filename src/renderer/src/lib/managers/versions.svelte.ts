/** Restored versions of the open photo: list, pick current, delete, and which one is being compared or masked. */
import type { VersionInfo } from '../../../../shared/types.ts';
import { studio } from '../api/index.ts';
import { attempt } from './attempt.ts';

export type DetailMode =
  { name: 'original' } | { name: 'compare'; versionId: number } | { name: 'mask'; versionId: number };

export class VersionsManager {
  photoId = $state<number | null>(null);
  versions = $state<VersionInfo[]>([]);
  mode = $state<DetailMode>({ name: 'original' });
  error = $state<string | null>(null);

  async load(photoId: number): Promise<void> {
    if (this.photoId !== photoId) this.mode = { name: 'original' };
    this.photoId = photoId;
    await attempt(
      (e) => (this.error = e),
      async () => {
        const list = await studio.listVersions(photoId);
        if (this.photoId === photoId) this.versions = list;
      }
    );
  }

  async remove(id: number): Promise<void> {
    const deleted = await attempt(
      (e) => (this.error = e),
      async () => {
        await studio.deleteVersion(id);
        if (this.mode.name !== 'original' && this.mode.versionId === id) this.mode = { name: 'original' };
        return true;
      }
    );
    // Reloaded outside the attempt: a failed reload keeps its own message
    // instead of being cleared by the delete's success.
    if (deleted && this.photoId !== null) await this.load(this.photoId);
  }

  byId(id: number): VersionInfo | undefined {
    return this.versions.find((v) => v.id === id);
  }
}
