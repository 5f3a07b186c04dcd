/**
 * Browser mode: the same services as the Electron app behind a loopback HTTP
 * server. Routes:
 *   GET  /                      the built renderer: no token needed, it holds no data
 *   POST /api/call/<channel>    JSON args tuple → { ok, value } | { ok: false, error }
 *   GET  /api/events            Server-Sent Events: { event, payload }
 *   POST /api/upload?batch&path raw file body into the batch folder
 *   POST /api/upload/commit     { batch, albumId? } → ImportReport (import + cleanup)
 *   GET  /media/<kind>/<key>    library media through readMedia
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { channels, type ChannelName } from '../../shared/contract.ts';
import { StudioError, toErrorShape } from '../../shared/errors.ts';
import { decodeWire } from '../../shared/wire.ts';
import { MEDIA_KINDS, type ImportReport, type MediaKind } from '../../shared/types.ts';
import type { ExportRequest } from '../../shared/schemas.ts';
import { assertLoopbackHost, authorised, hostAllowed, newToken } from './auth.ts';
import { assertBrowserChannel, confineExport, resolveExportRoot } from './confine.ts';
import { EventHub } from './events.ts';
import { readBody, refuse, requireContentType, securityHeaders, sendError, sendJson, statusFor } from './http-util.ts';
import { assertRendererBuilt, serveFile, serveStatic } from './static-files.ts';
import type { Bridge, BridgeOptions } from './types.ts';
import { relativeReport, UploadBatches, uploadsRoot } from './uploads.ts';
import { isMediaKeyShape } from '../../shared/media-key.ts';

/** API call bodies: JSON arguments; 100,000 photo ids are under 1 MB. */
export const MAX_CALL_BYTES = 4 * 1024 * 1024;
/** The one channel with a large payload: an edited full-resolution mask PNG. */
export const MAX_MASK_CALL_BYTES = 256 * 1024 * 1024;
const LARGE_CALLS: Record<string, number> = { 'restore:rerunMapping': MAX_MASK_CALL_BYTES };
/** A request body other than an upload must arrive within this long. */
export const BODY_TIMEOUT_MS = 60_000;
/** An upload may take as long as it needs, but not sit silent for longer than this. */
export const UPLOAD_IDLE_MS = 60_000;
/** Uploads not committed within this long after their last file are deleted. */
export const UPLOAD_TTL_MS = 60 * 60 * 1000;
const MEDIA_KIND_SET = new Set<string>(MEDIA_KINDS);

/** The methods a path answers: the API's calls and uploads are POST, everything else GET and HEAD. */
function allowedMethods(path: string): string {
  return path.startsWith('/api/call/') || path === '/api/upload' || path === '/api/upload/commit'
    ? 'POST'
    : 'GET, HEAD';
}

/** A %-escaped part of the address; a broken escape is the client's mistake, said plainly. */
function decodePart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new StudioError('invalid-input', 'the address has a broken %-escape');
  }
}

/** `{ batch, albumId?, abort? }` of an upload commit, or a plain invalid-input error. */
function commitBody(text: string): { batch?: unknown; albumId?: unknown; abort?: unknown } {
  let body: unknown;
  try {
    body = JSON.parse(text || '{}');
  } catch {
    throw new StudioError('invalid-input', 'the upload commit is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new StudioError('invalid-input', 'the upload commit must be an object: { "batch": "…", "albumId": 1 }');
  }
  return body;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  assertLoopbackHost(host);
  assertRendererBuilt(options.rendererDir);
  const token = options.token ?? newToken();
  const hub = new EventHub();
  const { services, libraryDir, rendererDir } = options;
  const exportRoot = options.exportRoot === undefined ? null : await resolveExportRoot(options.exportRoot, libraryDir);
  const batches = new UploadBatches(libraryDir, options.uploadTtlMs ?? UPLOAD_TTL_MS);
  // Large calls are read and decoded one at a time: four at once held gigabytes.
  let largeCall: Promise<unknown> = Promise.resolve();
  // Leftovers of a bridge that was killed mid-upload.
  await rm(uploadsRoot(libraryDir), { recursive: true, force: true });
  let port = 0;

  async function call(channel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!Object.hasOwn(channels, channel) || !Object.hasOwn(services.handlers, channel)) {
      throw new StudioError('not-found', `unknown channel "${channel}"`);
    }
    assertBrowserChannel(channel);
    requireContentType(req, 'application/json');
    const limit = LARGE_CALLS[channel];
    if (limit === undefined) return callWith(channel, await readBody(req, MAX_CALL_BYTES), res);
    const turn = largeCall.then(async () => callWith(channel, await readBody(req, limit), res));
    largeCall = turn.catch(() => undefined);
    return turn;
  }

  async function callWith(channel: string, body: Buffer, res: ServerResponse): Promise<void> {
    let raw: unknown;
    try {
      raw = body.length === 0 ? [] : decodeWire(body.toString('utf8'));
    } catch {
      throw new StudioError('invalid-input', 'request body is not valid JSON');
    }
    const args = services.validateArgs(channel, raw);
    if (channel === 'export:album') {
      const request = args[0] as ExportRequest;
      args[0] = { ...request, destination: await confineExport(request.destination, exportRoot, libraryDir) };
    }
    const handler = services.handlers[channel as ChannelName] as (...a: unknown[]) => Promise<unknown>;
    const value = await handler(...args);
    sendJson(res, 200, { ok: true, value: value ?? null });
  }

  async function upload(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    requireContentType(req, 'application/octet-stream');
    req.setTimeout(options.uploadIdleMs ?? UPLOAD_IDLE_MS, () => req.socket.destroy());
    try {
      const bytes = await batches.receive(url.searchParams.get('batch'), url.searchParams.get('path'), req);
      sendJson(res, 200, { ok: true, value: { bytes } });
    } finally {
      req.socket.setTimeout(0);
    }
  }

  /** Answers 408 and closes the connection when the body has not all arrived in time. */
  function bodyDeadline(req: IncomingMessage, res: ServerResponse): void {
    const ms = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (res.headersSent) req.socket.destroy();
      else
        refuse(
          req,
          res,
          408,
          new StudioError('invalid-input', `the request body did not arrive within ${ms / 1000} s`)
        );
    }, ms);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    res.once('close', () => clearTimeout(timer));
  }

  async function commit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requireContentType(req, 'application/json');
    const body = commitBody((await readBody(req, 64 * 1024)).toString('utf8'));
    const { dir, files } = batches.take(body.batch);
    let report: ImportReport = { imported: 0, duplicates: 0, failed: 0, outcomes: [] };
    try {
      if (body.abort !== true && files.length > 0) {
        const request = body.albumId === undefined ? { paths: files } : { paths: files, albumId: body.albumId };
        const args = services.validateArgs('import:paths', [request]);
        const handler = services.handlers['import:paths'] as (...a: unknown[]) => Promise<ImportReport>;
        report = relativeReport(await handler(...args), dir);
      }
    } finally {
      // The store holds its own copies by now; remove the uploads before answering.
      await rm(dir, { recursive: true, force: true });
    }
    sendJson(res, 200, { ok: true, value: report });
  }

  async function media(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, , kind, ...rest] = path.split('/');
    const key = decodePart(rest.join('/'));
    if (!MEDIA_KIND_SET.has(kind)) throw new StudioError('not-found', `unknown media kind "${kind}"`);
    if (!isMediaKeyShape(key)) throw new StudioError('invalid-input', 'bad media key');
    const found = await services.readMedia(kind as MediaKind, key);
    if (!(await serveFile(res, found.path, found.mime, req.method === 'HEAD')))
      throw new StudioError('not-found', 'media file is missing');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    if (!hostAllowed(req, port)) {
      refuse(req, res, 421, new StudioError('invalid-input', 'unexpected Host header'));
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const isPost = method === 'POST';
    const isGet = method === 'GET' || method === 'HEAD';
    // CORS is never granted, and preflights are refused outright.
    const allow = allowedMethods(path);
    if (!allow.split(', ').includes(method)) {
      refuse(
        req,
        res,
        405,
        new StudioError('invalid-input', `method ${method} not allowed for ${path} (only ${allow})`),
        { Allow: allow }
      );
      return;
    }
    const isApi = path.startsWith('/api/');
    // The page and its scripts hold no data; everything that does needs the token.
    const needsToken = isApi || path.startsWith('/media/');
    if (needsToken && !authorised(req, url, token, isApi && isPost ? 'header' : 'any')) {
      refuse(
        req,
        res,
        401,
        new StudioError('invalid-input', 'missing or wrong token: open the URL that `heirloom serve` printed')
      );
      return;
    }
    if (isPost && path !== '/api/upload') bodyDeadline(req, res);
    try {
      if (isPost && path.startsWith('/api/call/')) return await call(decodePart(path.slice(10)), req, res);
      if (isPost && path === '/api/upload') return await upload(url, req, res);
      if (isPost && path === '/api/upload/commit') return await commit(req, res);
      if (isGet && path === '/api/events') return method === 'HEAD' ? hub.head(res) : hub.attach(res);
      if (isGet && path.startsWith('/media/')) return await media(path, req, res);
      if (isGet && !needsToken && (await serveStatic(res, rendererDir, path, method === 'HEAD'))) return;
      sendError(res, 404, new StudioError('not-found', `no route for ${method} ${path}`));
    } catch (err) {
      const shape = toErrorShape(err);
      if (res.headersSent) res.destroy();
      else sendError(res, statusFor(shape.kind), shape);
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, 500, err);
      else res.destroy();
    });
  });
  // Node's whole-request limit would cut off a large upload; bodyDeadline
  // and the upload's idle timeout stand in for it.
  server.requestTimeout = 0;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    emit: (event, payload) => hub.send(event, payload),
    async close() {
      hub.close();
      batches.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await rm(uploadsRoot(libraryDir), { recursive: true, force: true });
    }
  };
}
