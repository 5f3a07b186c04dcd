/** Small response/request helpers shared by the bridge routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StudioError, toErrorShape } from '../../shared/errors.ts';
import { encodeWire } from '../../shared/wire.ts';

/** Applied to every response, pages and API alike. */
export const CSP =
  "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = encodeWire(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text)
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, err: unknown): void {
  sendJson(res, status, { ok: false, error: toErrorShape(err) });
}

/**
 * Answers and then closes the connection, without reading the rest of the
 * body: an unauthenticated or refused sender gets nothing more from us, not
 * even time. The short grace lets the answer leave before the socket goes.
 */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  err: unknown,
  headers: Record<string, string> = {}
): void {
  res.setHeader('Connection', 'close');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendError(res, status, err);
  res.once('finish', () => setTimeout(() => req.socket.destroy(), 250).unref());
}

/** HTTP status for an error kind, so curl users see something sensible too. */
export function statusFor(kind: string): number {
  switch (kind) {
    case 'invalid-input':
    case 'unsupported-format':
    case 'corrupt-file':
      return 400;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'too-large':
      return 413;
    default:
      return 500;
  }
}

/** Reads a whole body up to `limit` bytes; larger bodies are refused, not truncated. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new StudioError('too-large', `request body of ${declared} bytes is over the ${limit}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new StudioError('too-large', `request body is over the ${limit}-byte limit`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function requireContentType(req: IncomingMessage, expected: string): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== expected) {
    throw new StudioError('invalid-input', `expected Content-Type ${expected}, got "${type || 'none'}"`);
  }
}
