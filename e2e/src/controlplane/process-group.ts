import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** How a process ended: its exit code, or the signal that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process started as the leader of its own process group, its output appended to a log file. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly exited: Promise<ExitStatus>;
  running(): boolean;
  /** SIGTERM to the whole group, SIGKILL once `graceMs` has passed; resolves when the leader has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole group, synchronously (for `process.on('exit')`, where nothing can be awaited). */
  kill(): void;
}

export interface StartProcessOptions {
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function startProcess(name: string, binary: string, args: readonly string[], options: StartProcessOptions): ManagedProcess {
  const out = openSync(options.logFile, 'a');
  let child;
  try {
    // detached: a process group of its own, so stopping it reaches anything it forks, and a Ctrl-C
    // meant for the test runner does not kill it before the runner has had the chance to stop it.
    child = spawn(binary, args, { detached: true, stdio: ['ignore', out, out], env: options.env ?? process.env, cwd: options.cwd });
  } finally {
    closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) {
    child.on('error', () => undefined);
    throw new Error(`${name}: could not start ${binary}`);
  }
  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      status = { code, signal };
      resolve(status);
    });
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  return {
    name,
    pid,
    logFile: options.logFile,
    exited,
    running: () => status === undefined,
    async stop(graceMs = 10_000) {
      if (status === undefined) {
        signalGroup('SIGTERM');
        const escalate = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        await exited;
        clearTimeout(escalate);
      }
      // The leader is gone; anything it forked into the group goes with it.
      signalGroup('SIGKILL');
    },
    kill: () => signalGroup('SIGKILL'),
  };
}

/** Whether any process of the group led by `pid` is still alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
