import { writeFileSync } from 'node:fs';
import { startProcess, type ManagedProcess } from './process-group.js';

// Exit and signal handlers cannot run when the owning Node process is killed outright (SIGKILL, an
// OOM kill, a CI step timeout). This small shell process outlives it for exactly that case: once the
// owner's pid is gone it stops every process group listed in `groupsFile` and, when asked, removes
// the work directory. The owner kills the watchdog itself when it stops the control plane normally.
const script = `
owner="$1"; groups_file="$2"; remove_dir="$3"
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
groups="$(cat "$groups_file" 2>/dev/null || true)"
for g in $groups; do kill -TERM -- "-$g" 2>/dev/null || true; done
for _ in $(seq 1 50); do
  alive=""
  for g in $groups; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
  [ -n "$alive" ] || break
  sleep 0.2
done
for g in $groups; do kill -KILL -- "-$g" 2>/dev/null || true; done
if [ -n "$remove_dir" ]; then rm -rf -- "$remove_dir"; fi
`;

export interface Watchdog {
  /** Records the process groups to stop should the owner die. */
  track(groups: readonly number[]): void;
  process: ManagedProcess;
}

export function startWatchdog(options: { groupsFile: string; logFile: string; removeDir?: string }): Watchdog {
  writeFileSync(options.groupsFile, '');
  const process_ = startProcess('watchdog', 'bash', ['-c', script, 'musubi-controlplane-watchdog', String(process.pid), options.groupsFile, options.removeDir ?? ''], { logFile: options.logFile });
  return {
    track: (groups) => writeFileSync(options.groupsFile, `${groups.join('\n')}\n`),
    process: process_,
  };
}
