/**
 * Registers one `ipcMain.handle` per contract channel; each call goes through
 * `invokeHandler` (trusted sender frame, `validateArgs`, envelope).
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { channels, type ChannelName } from '../../shared/contract.ts';
import { invokeHandler, type IpcDeps } from './envelope.ts';

/** Returns the function that removes every handler again (on quit). */
export function registerIpc(deps: IpcDeps<IpcMainInvokeEvent>): () => void {
  const names = Object.keys(channels) as ChannelName[];
  for (const channel of names) ipcMain.handle(channel, invokeHandler(deps, channel));
  return () => names.forEach((c) => ipcMain.removeHandler(c));
}
