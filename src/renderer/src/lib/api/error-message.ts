/** A readable message from anything thrown by an API call (kept apart from index.ts, which needs a window). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
