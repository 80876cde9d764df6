// One wallet, several connectors: each authenticates with its own secret only; an unknown client, a
// swapped secret or a client whose Secret is not mounted yet is refused; secrets never reach the log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFields, Logger } from '@musubi/core/logging';
import { StsClients } from './sts-clients.js';

const lines: Array<{ msg: string; fields?: LogFields }> = [];
const logger: Logger = {
  debug: () => undefined,
  info: (msg, fields) => void lines.push({ msg, ...(fields && { fields }) }),
  warn: (msg, fields) => void lines.push({ msg, ...(fields && { fields }) }),
  error: (msg, fields) => void lines.push({ msg, ...(fields && { fields }) }),
  child: () => logger,
};

test('each connector authenticates with its own secret; the rest is refused, and a late Secret starts working', () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-sts-clients-'));
  try {
    const pcf = 'pcf-secret-0123456789abcdef';
    const bom = 'bom-secret-0123456789abcdef';
    writeFileSync(join(dir, 'pcf'), `${pcf}\n`);
    writeFileSync(join(dir, 'bom'), bom);
    const clients = new StsClients([
      { clientId: 'pcf-connector', clientSecretFile: join(dir, 'pcf') },
      { clientId: 'bom-connector', clientSecretFile: join(dir, 'bom') },
      { clientId: 'new-connector', clientSecretFile: join(dir, 'new') },
    ], logger);
    expect(clients.authenticate('pcf-connector', pcf)).toBe(true);
    expect(clients.authenticate('bom-connector', bom)).toBe(true);
    expect(clients.authenticate('pcf-connector', bom)).toBe(false);
    expect(clients.authenticate('bom-connector', `${bom}x`)).toBe(false);
    expect(clients.authenticate('someone-else', pcf)).toBe(false);
    // Not mounted yet: refused, logged once with the config field, the wallet keeps serving the others.
    expect(clients.authenticate('new-connector', 'anything-at-all-0123456789')).toBe(false);
    expect(clients.authenticate('new-connector', 'anything-at-all-0123456789')).toBe(false);
    expect(lines.filter((l) => l.msg === 'STS client refused: its secret file cannot be used')).toEqual([
      { msg: 'STS client refused: its secret file cannot be used', fields: { clientId: 'new-connector', problem: expect.stringContaining('sts.clients[2].clientSecretFile: cannot read') } },
    ]);
    writeFileSync(join(dir, 'new'), 'new-secret-0123456789abcdef');
    expect(clients.authenticate('new-connector', 'new-secret-0123456789abcdef')).toBe(true);
    expect(JSON.stringify(lines)).not.toMatch(/secret-0123456789/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
