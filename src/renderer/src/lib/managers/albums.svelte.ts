/** Album list and the album operations of the sidebar. */
import type { Album } from '../../../../shared/types.ts';
import { studio } from '../api/index.ts';
import { attempt } from './attempt.ts';

export class AlbumsManager {
  albums = $state<Album[]>([]);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    await this.#run(async () => {
      this.albums = await studio.listAlbums();
    });
  }

  async create(name: string): Promise<Album | null> {
    return this.#run(async () => {
      const album = await studio.createAlbum(name);
      await this.refresh();
      return album;
    });
  }

  async rename(id: number, name: string): Promise<void> {
    await this.#run(async () => {
      await studio.renameAlbum(id, name);
      await this.refresh();
    });
  }

  async remove(id: number): Promise<void> {
    await this.#run(async () => {
      await studio.deleteAlbum(id);
      await this.refresh();
    });
  }

  async addPhotos(id: number, photoIds: number[]): Promise<void> {
    if (photoIds.length === 0) return;
    await this.#run(async () => {
      await studio.addToAlbum(id, photoIds);
      await this.refresh();
    });
  }

  async removePhotos(id: number, photoIds: number[]): Promise<void> {
    if (photoIds.length === 0) return;
    await this.#run(async () => {
      await studio.removeFromAlbum(id, photoIds);
      await this.refresh();
    });
  }

  async reorder(id: number, order: number[]): Promise<void> {
    await this.#run(async () => {
      await studio.reorderAlbum(id, order);
    });
  }

  byId(id: number | null): Album | undefined {
    return id === null ? undefined : this.albums.find((a) => a.id === id);
  }

  #run<T>(work: () => Promise<T>): Promise<T | null> {
    return attempt((e) => (this.error = e), work);
  }
}
