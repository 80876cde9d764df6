// TEST ONLY: a throwaway PostgreSQL cluster for the store's tests, from the server binaries Debian's
// `postgresql` package installs: initdb into a temp directory, postgres on 127.0.0.1 and a free port,
// removed afterwards. PostgreSQL refuses to run as root, so as root the cluster belongs to the
// `postgres` system user the package creates. Tests skip only when the binaries are absent, and say so.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../testing/harness.test-support.js';
import type { PostgresOptions } from './postgres-driver.js';

export const POSTGRES_MISSING = 'PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian\'s postgresql package (apt-get install -y postgresql) to run the PostgreSQL store tests';

function binDir(): string | undefined {
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = [
    ...(fromPgConfig.status === 0 ? [fromPgConfig.stdout.trim()] : []),
    ...(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin`) : []),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

export function postgresAvailable(): boolean {
  return binDir() !== undefined;
}

export interface ThrowawayPostgres {
  options: PostgresOptions;
  stop(): void;
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = binDir();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const root = mkdtempSync(join(tmpdir(), 'musubi-pg-'));
  const data = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  let run = (command: string, args: string[]): void => {
    execFileSync(join(bin, command), args, { stdio: 'pipe' });
  };
  if (asRoot) {
    const user = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (user.status !== 0) throw new Error('running as root, and there is no postgres system user to own the test cluster; run the tests as a non-root user or install Debian\'s postgresql package');
    const uid = Number(user.stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(root, uid, gid);
    chmodSync(root, 0o700);
    run = (command, args) => {
      execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { stdio: 'pipe' });
    };
  }
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'musubi', '--no-sync', '-E', 'UTF8']);
  run('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-w', '-t', '30', '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`, 'start']);
  return {
    options: { host: '127.0.0.1', port, database: 'postgres', user: 'musubi' },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
