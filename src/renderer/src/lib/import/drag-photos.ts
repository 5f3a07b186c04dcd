/** Photos dragged inside the app (grid → album, grid → grid in an album) carry their ids in this type. */
import { count } from '../words.ts';

const PHOTO_DRAG_TYPE = 'application/x-heirloom-photos';

export function setDraggedPhotos(dt: DataTransfer, ids: number[]): void {
  dt.setData(PHOTO_DRAG_TYPE, JSON.stringify(ids));
  dt.setData('text/plain', count(ids.length, 'photo'));
  dt.effectAllowed = 'copyMove';
}

export function hasPhotos(dt: DataTransfer | null): boolean {
  return !!dt && Array.from(dt.types).includes(PHOTO_DRAG_TYPE);
}

export function draggedPhotos(dt: DataTransfer): number[] {
  try {
    const ids = JSON.parse(dt.getData(PHOTO_DRAG_TYPE)) as unknown;
    return Array.isArray(ids) ? ids.filter((n): n is number => Number.isInteger(n) && n > 0) : [];
  } catch {
    return [];
  }
}
