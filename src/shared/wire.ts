/**
 * JSON encoding for payloads that cross the browser-mode bridge. Electron IPC
 * uses structured clone and needs none of this; HTTP carries JSON, so binary
 * arguments (the edited mask PNG of `restore:rerunMapping`) travel as
 * `{ "$bytes": "<base64>" }` and are revived into `Uint8Array` on the far side.
 * Pure: no node, electron or DOM imports (atob/btoa are global in both).
 */
const CHUNK = 0x8000;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** JSON.stringify that keeps Uint8Array (and other typed byte views) intact. */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { $bytes: toBase64(v) };
    if (v instanceof ArrayBuffer) return { $bytes: toBase64(new Uint8Array(v)) };
    return v;
  });
}

/** JSON.parse that revives `{ $bytes }` objects into Uint8Array. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const bytes = (v as { $bytes?: unknown }).$bytes;
      if (keys.length === 1 && typeof bytes === 'string') return fromBase64(bytes);
    }
    return v;
  });
}
