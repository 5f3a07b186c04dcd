/**
 * Registers one `ipcMain.handle` per contract channel. Each call is checked
 * (trusted sender frame, arguments through `validateArgs`) and answers with an
 * envelope so a StudioError keeps its `kind` across the boundary; Electron
 * would otherwise flatten a thrown error into a message string.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { channels, type ChannelName } from '../../shared/contract.ts';
import { StudioError, toErrorShape, type StudioErrorShape } from '../../shared/errors.ts';

/** What `ipcRenderer.invoke` resolves with for every channel. */
export type Envelope = { ok: true; value: unknown } | { ok: false; error: StudioErrorShape };

export interface IpcDeps {
  handlers: Record<string, (...args: never[]) => Promise<unknown>>;
  validateArgs(channel: ChannelName, args: unknown): unknown[];
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
}

export function registerIpc(deps: IpcDeps): () => void {
  const names = Object.keys(channels) as ChannelName[];
  for (const channel of names) {
    ipcMain.handle(channel, async (event, ...raw: unknown[]): Promise<Envelope> => {
      try {
        if (!deps.isTrustedSender(event)) throw new StudioError('invalid-input', 'IPC from an untrusted frame was refused');
        const handler = deps.handlers[channel] as ((...a: unknown[]) => Promise<unknown>) | undefined;
        if (!handler) throw new StudioError('not-found', `channel "${channel}" has no handler`);
        const args = deps.validateArgs(channel, raw);
        return { ok: true, value: await handler(...args) };
      } catch (err) {
        return { ok: false, error: toErrorShape(err) };
      }
    });
  }
  return () => names.forEach((c) => ipcMain.removeHandler(c));
}
