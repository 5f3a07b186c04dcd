/**
 * What the browser-mode bridge needs from the rest of main. `serve` fills it
 * from `createServices`; tests may fill it with a real services instance or a
 * small stand-in for the transport-only checks.
 */
import type { EventName, Handlers, StudioEvents } from '../../shared/contract.ts';
import type { MediaKind } from '../../shared/types.ts';

/** The services as the bridge sees them: a channel → handler map plus media lookup. */
export interface BridgeServices {
  handlers: Partial<Handlers>;
  /** Parses a channel's argument tuple; throws a StudioError of kind `invalid-input`. */
  validateArgs(channel: string, args: unknown): unknown[];
  /** Resolves library media to a file on disk; throws `not-found` / `invalid-input`. */
  readMedia(kind: MediaKind, key: string): Promise<{ path: string; mime: string }> | { path: string; mime: string };
}

/** Options of `startBridge`. */
export interface BridgeOptions {
  services: BridgeServices;
  /** Library folder: upload temp copies go under it (same filesystem as the store). */
  libraryDir: string;
  /** Built renderer (`out/renderer`); must hold index.html. */
  rendererDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The folder exports may go into (`--exports`); without it the bridge takes no folder or .zip exports. */
  exportRoot?: string;
  /** How long an uncommitted upload batch is kept after its last file (default an hour). */
  uploadTtlMs?: number;
  /** Time for a request body other than an upload to arrive (default 60 s). */
  bodyTimeoutMs?: number;
  /** Longest silence inside an upload (default 60 s). */
  uploadIdleMs?: number;
  /** Fixed token for tests; otherwise 32 random bytes. */
  token?: string;
}

/** A running bridge. */
export interface Bridge {
  url: string;
  port: number;
  token: string;
  /** Push one event to every connected page. */
  emit<E extends EventName>(event: E, payload: StudioEvents[E]): void;
  close(): Promise<void>;
}
