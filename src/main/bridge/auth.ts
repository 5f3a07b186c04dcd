/**
 * Who may talk to the bridge: only this machine (loopback bind plus a Host
 * header check against DNS rebinding) and only whoever holds the token printed
 * at start-up. API calls must carry it as `Authorization: Bearer`, which a
 * cross-site form or <img> cannot set; media and the event stream, which the
 * page opens by URL, carry it as `?token=`. There is no cookie: cookies are
 * not scoped by port, so one would go to every other program on 127.0.0.1.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only loopback addresses may be bound: the bridge has no TLS and no users. */
export function assertLoopbackHost(host: string): void {
  if (!LOOPBACK.has(host)) {
    throw new Error(`refusing to listen on "${host}": browser mode only binds to 127.0.0.1 (or ::1)`);
  }
}

/** Rejects requests whose Host header names anything but loopback on our port. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!m) return false;
  return LOOPBACK.has(m[1]!) && Number(m[2] ?? 80) === port;
}

export function sameToken(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

/** `header` for state-changing API calls; `any` also accepts `?token=` (media, events). */
export function authorised(req: IncomingMessage, url: URL, token: string, mode: 'header' | 'any'): boolean {
  if (sameToken(bearer(req), token)) return true;
  return mode === 'any' && sameToken(url.searchParams.get('token'), token);
}
