/**
 * Server-Sent Events: one long-lived `GET /api/events` response per page.
 * SSE needs no dependency and browsers reconnect by themselves; the push
 * traffic (progress, change notices) is one-way, which is all SSE offers.
 */
import type { ServerResponse } from 'node:http';
import { encodeWire } from '../../shared/wire.ts';

const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  Connection: 'keep-alive'
};

export class EventHub {
  readonly #clients = new Set<ServerResponse>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor() {
    // Comments keep idle connections from being closed by anything in between.
    this.#heartbeat = setInterval(() => this.#write(': ping\n\n'), 20_000);
    this.#heartbeat.unref();
  }

  attach(res: ServerResponse): void {
    res.writeHead(200, HEADERS);
    res.write('retry: 1000\n\n');
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
  }

  /** HEAD: the stream's headers, and done (a stream that never ends would hold the request forever). */
  head(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': HEADERS['Content-Type'], 'Cache-Control': 'no-store' });
    res.end();
  }

  send(event: string, payload: unknown): void {
    this.#write(`data: ${encodeWire({ event, payload })}\n\n`);
  }

  get size(): number {
    return this.#clients.size;
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #write(text: string): void {
    for (const res of this.#clients) res.write(text);
  }
}
