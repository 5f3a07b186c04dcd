/**
 * The body of every IPC handler, kept free of electron imports so it is
 * tested under plain Node: check the sender, find the handler, validate the
 * arguments, run, and wrap the outcome in an envelope. Electron would
 * otherwise flatten a thrown error into a message string and lose its kind.
 */
import type { ChannelName, Envelope, Handlers } from '../../shared/contract.ts';
import { StudioError, toErrorShape } from '../../shared/errors.ts';

/** What an IPC handler needs; `E` is Electron's invoke event (anything in tests). */
export interface IpcDeps<E> {
  handlers: Partial<Handlers>;
  validateArgs(channel: ChannelName, args: unknown): unknown[];
  isTrustedSender(event: E): boolean;
}

export function invokeHandler<E>(
  deps: IpcDeps<E>,
  channel: ChannelName
): (event: E, ...raw: unknown[]) => Promise<Envelope> {
  return async (event, ...raw) => {
    try {
      if (!deps.isTrustedSender(event))
        throw new StudioError('invalid-input', 'IPC from an untrusted frame was refused');
      if (!Object.hasOwn(deps.handlers, channel))
        throw new StudioError('not-found', `channel "${channel}" has no handler`);
      const handler = deps.handlers[channel] as (...a: unknown[]) => Promise<unknown>;
      const args = deps.validateArgs(channel, raw);
      const value = await handler(...args);
      return { ok: true, value: value ?? null };
    } catch (err) {
      return { ok: false, error: toErrorShape(err) };
    }
  };
}
