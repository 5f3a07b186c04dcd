/** The library toolbar's one-line notice ("Removed 3 photos…"), and what its Undo button takes back. */
export class Notice {
  text = $state<string | null>(null);
  /** What the Undo button takes back while the notice shows; null when it has none. */
  undo = $state<(() => Promise<void>) | null>(null);

  /** Shows `text` (null hides the notice) with no Undo. */
  say(text: string | null): void {
    this.text = text;
    this.undo = null;
  }
}
