// A small cross-border dataspace on loopback: a Japanese and an EU anchor that recognise each other, a
// Korean anchor nobody recognises, ACME (a Japanese recycler with an employee) and BlueRecycle (an EU
// battery maker that grants ACME a recyclerOf relationship), each with its own wallet.
import type { Logger } from '@musubi/core/logging';
import { eventually, http, ManualClock, openSlot, recognitionOf, startIssuer, startWallet, type RunningIssuer, type RunningWallet } from './harness.js';

export const ACME = { legalName: 'ACME Recycling K.K.', country: 'JP', identifier: { scheme: 'jp-corporate-number' as const, value: '1180301018771' } };
export const BLUE = { legalName: 'BlueRecycle GmbH', country: 'DE', identifier: { scheme: 'eu-vat' as const, value: 'DE129273398' } };
export const HANBIT = { legalName: 'Hanbit Batteries Co.', country: 'KR', identifier: { scheme: 'lei' as const, value: '529900T8BM49AURSDO55' } };

export interface Dataspace {
  jp: RunningIssuer;
  eu: RunningIssuer;
  kr: RunningIssuer;
  acme: RunningWallet;
  blue: RunningWallet;
  /** The EU anchor's clock (real time unless a test moves it). */
  euClock: ManualClock;
  stop(): Promise<void>;
}

export async function startDataspace(options: { logger?: Logger; maxStalenessSeconds?: number } = {}): Promise<Dataspace> {
  const [jpSlot, euSlot, krSlot, acmeSlot, blueSlot] = await Promise.all([openSlot(), openSlot('P-256'), openSlot(), openSlot(), openSlot()]);
  const euClock = new ManualClock();
  const logger = options.logger ? { logger: options.logger } : {};
  const jp = await startIssuer(jpSlot, {
    jurisdiction: 'JP', framework: 'Japan', schemes: ['jp-corporate-number'], ...logger,
    registry: [{ ...ACME.identifier, legalName: ACME.legalName, country: ACME.country }],
    recognised: [recognitionOf(euSlot, 'EU', { name: 'eu' })],
  });
  const eu = await startIssuer(euSlot, {
    jurisdiction: 'EU', framework: 'EU', schemes: ['eu-vat'], clock: euClock.clock, ...logger,
    registry: [{ ...BLUE.identifier, legalName: BLUE.legalName, country: BLUE.country }],
    recognised: [recognitionOf(jpSlot, 'JP', { name: 'jp', maxStalenessSeconds: options.maxStalenessSeconds ?? 3600, attributeMapping: [{ from: 'jp-corporate-number', to: 'local' }] })],
  });
  const kr = await startIssuer(krSlot, {
    jurisdiction: 'KR', schemes: ['lei'], ...logger,
    registry: [{ ...HANBIT.identifier, legalName: HANBIT.legalName, country: HANBIT.country }],
  });
  // Both anchors are up now: confirm each other's trust lists (the operator's refresh does the same).
  for (const anchor of [jp, eu]) {
    const refreshed = await http('POST', `${anchor.url}/recognition/refresh`, { token: anchor.adminToken });
    if (refreshed.body?.recognised?.[0]?.state !== 'Fresh') throw new Error(`recognition did not become fresh: ${refreshed.text}`);
  }
  const acme = await startWallet(acmeSlot, {
    anchor: jp, legalName: ACME.legalName, country: ACME.country, identifiers: [ACME.identifier], ...logger,
    members: [{ id: 'taro', roles: ['purchaser'], displayName: 'Taro Yamada' }],
  });
  const blue = await startWallet(blueSlot, {
    anchor: eu, legalName: BLUE.legalName, country: BLUE.country, identifiers: [BLUE.identifier], ...logger,
    relationships: [{ type: 'recyclerOf', did: acme.did }],
  });
  return {
    jp, eu, kr, acme, blue, euClock,
    async stop() {
      for (const service of [acme, blue, jp, eu, kr]) await service.stop();
    },
  };
}

/** Wait until `wallet` holds a credential of each type (its DCP requests were decided and delivered). */
export async function walletHolds(wallet: RunningWallet, types: string[], holder = wallet.did): Promise<void> {
  await eventually(async () => {
    await wallet.service.reconcile();
    const held = wallet.service.core.store.about(holder).flatMap((c) => c.types);
    return types.every((t) => held.includes(t)) ? true : undefined;
  }, { what: `${holder} to hold ${types.join(', ')}`, timeoutMs: 15_000, intervalMs: 100 });
}
