/**
 * Starting the runner process, abstracted so the queue does not care where it
 * runs: Electron's `utilityProcess.fork` on the built `runner-entry.js` in the
 * app, `child_process.fork` with tsx on the TypeScript source under Node.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HostMessage, RunnerMessage } from './runner-protocol.ts';

/** A live runner process. */
export interface RunnerHandle {
  readonly pid: number | undefined;
  send(message: HostMessage): void;
  onMessage(listener: (message: RunnerMessage) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type SpawnRunner = () => RunnerHandle;

/** Plain Node: forks `runner-entry.ts` through tsx's loader. */
export function nodeRunnerSpawner(
  entry = join(dirname(fileURLToPath(import.meta.url)), 'runner-entry.ts')
): SpawnRunner {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return () => {
    const child = fork(entry, [], {
      execArgv: ['--import', tsx],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced'
    });
    // onnxruntime's native providers print warnings on stderr; keep only our own lines out of the host's output.
    child.stderr?.resume();
    return {
      pid: child.pid,
      send: (m) => {
        if (child.connected) child.send(m);
      },
      onMessage: (l) => child.on('message', (m) => l(m as RunnerMessage)),
      onExit: (l) => child.on('exit', (code) => l(code)),
      kill: () => child.kill('SIGKILL')
    };
  };
}

/** The subset of Electron's `utilityProcess` the queue needs (kept structural so this file never imports electron). */
export interface UtilityProcessLike {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; stdio?: 'ignore' | 'inherit' | 'pipe' }
  ): {
    pid: number | undefined;
    postMessage(message: unknown): void;
    on(event: 'message', listener: (message: unknown) => void): void;
    on(event: 'exit', listener: (code: number) => void): void;
    kill(): boolean;
  };
}

/**
 * Electron: forks the bundled runner (`out/main/runner.js`, the `runner`
 * input of electron.vite.config.ts) as a utility process.
 */
export function utilityRunnerSpawner(utilityProcess: UtilityProcessLike, entry: string): SpawnRunner {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Heirloom restore runner', stdio: 'ignore' });
    return {
      pid: child.pid,
      send: (m) => child.postMessage(m),
      onMessage: (l) => child.on('message', (m) => l(m as RunnerMessage)),
      onExit: (l) => child.on('exit', (code) => l(code)),
      kill: () => void child.kill()
    };
  };
}
