/** The open photo: its full record, tags and caption edits. */
import { turnedBy } from '../../../../shared/media-key.ts';
import type { Crop, FoundPrint } from '../../../../shared/crop.ts';
import type { PhotoDetail, TagCount } from '../../../../shared/types.ts';
import { studio, errorMessage } from '../api/index.ts';
import { attempt } from './attempt.ts';

export class DetailManager {
  photoId = $state<number | null>(null);
  photo = $state<PhotoDetail | null>(null);
  allTags = $state<TagCount[]>([]);
  error = $state<string | null>(null);
  saving = $state(false);
  /** A mask re-run is being handed to main (its one busy flag: the editor's button and the app read it). */
  rerunning = $state(false);

  async open(id: number): Promise<void> {
    this.photoId = id;
    this.photo = null;
    this.error = null;
    try {
      const [photo, tags] = await Promise.all([studio.getPhoto(id), studio.listTags()]);
      if (this.photoId === id) {
        this.photo = photo;
        this.allTags = tags;
      }
    } catch (err) {
      if (this.photoId === id) this.error = errorMessage(err);
    }
  }

  /**
   * A finished restore or a deleted version can change which version is current (main sets the
   * first one, and falls back to another on delete): re-read just that, leaving any caption being edited alone.
   */
  async refreshCurrentVersion(): Promise<void> {
    const id = this.photoId;
    if (id === null) return;
    try {
      const fresh = await studio.getPhoto(id);
      if (this.photo && this.photo.id === id) this.photo.currentVersionId = fresh.currentVersionId;
    } catch (err) {
      if (this.photoId === id) this.error = errorMessage(err);
    }
  }

  close(): void {
    this.photoId = null;
    this.photo = null;
  }

  async setTags(tags: string[]): Promise<void> {
    const photo = this.photo;
    if (!photo) return;
    await this.#save(async () => {
      const saved = await studio.setTags(photo.id, tags);
      if (this.photo?.id === photo.id) this.photo = { ...this.photo, tags: saved };
      this.allTags = await studio.listTags();
    });
  }

  async setCaption(caption: string): Promise<void> {
    await this.#patch({ caption: caption.trim() === '' ? null : caption });
  }

  /** The date taken in canonical form (`shared/taken-date.ts`), or null to clear it. */
  async setTakenAt(takenAt: string | null): Promise<void> {
    await this.#patch({ takenAt });
  }

  async setCurrentVersion(versionId: number | null): Promise<void> {
    await this.#patch({ currentVersionId: versionId });
  }

  /** Turns the photo a quarter clockwise (1) or anticlockwise (-1); main refuses while it has restored versions. */
  async turn(quarters: 1 | -1): Promise<void> {
    if (this.photo) await this.#patch({ rotation: turnedBy(this.photo.rotation, quarters) });
  }

  /**
   * Straightens and crops the photo (a rectangle of it as shown: turned and straightened; null for all of it).
   * True when saved.
   */
  async setFrame(frame: { tilt: number; crop: Crop | null }): Promise<boolean> {
    await this.#patch(frame);
    return this.error === null;
  }

  /** The print inside the open photo's scan margin: the tilt that levels it and its crop; null when there is none. */
  async findPrint(): Promise<FoundPrint | null> {
    return this.photo ? studio.findPrint(this.photo.id) : null;
  }

  /**
   * Queues a re-run of `versionId`'s mapping with an edited mask (a PNG at the photo's resolution, white = defect).
   * A refusal (bad mask, missing cache) becomes `error`, shown beside the editor; true when main queued it.
   */
  async rerun(versionId: number, mask: Blob): Promise<boolean> {
    if (this.rerunning) return false;
    let queued = false;
    await attempt(
      (e) => (this.error = e),
      async () => {
        await studio.rerunMapping({ versionId, maskPng: new Uint8Array(await mask.arrayBuffer()) });
        queued = true;
      },
      (on) => (this.rerunning = on)
    );
    return queued;
  }

  /** One `photos:update` of the open photo; its answer is kept only if that photo is still open. */
  async #patch(patch: Parameters<typeof studio.updatePhoto>[1]): Promise<void> {
    const photo = this.photo;
    if (!photo) return;
    await this.#save(async () => {
      const updated = await studio.updatePhoto(photo.id, patch);
      if (this.photo?.id === photo.id) this.photo = { ...this.photo, ...updated };
    });
  }

  async #save(work: () => Promise<void>): Promise<void> {
    await attempt(
      (e) => (this.error = e),
      work,
      (on) => (this.saving = on)
    );
  }
}
