// Data-plane credentials: random bearer tokens handed to a consumer (pull access and refresh) or by
// a consumer (push destination). Only their SHA-256 is stored; a token is checked by hashing it.
import { createHash, randomBytes } from 'node:crypto';
import type { DataToken } from '../store/records.js';
import type { StoreTx } from '../store/store.js';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export async function issueToken(tx: StoreTx, kind: DataToken['kind'], transferPid: string, now: Date, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await tx.putToken({ tokenHash: tokenHash(token), kind, transferPid, expiresAt: expiresAt.toISOString() });
  return { token, expiresAt };
}

export type TokenCheck = { ok: true; token: DataToken } | { ok: false; problem: 'UnknownToken' | 'TokenExpired' | 'WrongTransfer' | 'WrongKind' };

export async function checkToken(tx: StoreTx, token: string, kind: DataToken['kind'], now: Date, transferPid?: string): Promise<TokenCheck> {
  const stored = await tx.token(tokenHash(token));
  if (!stored) return { ok: false, problem: 'UnknownToken' };
  if (stored.kind !== kind) return { ok: false, problem: 'WrongKind' };
  if (transferPid !== undefined && stored.transferPid !== transferPid) return { ok: false, problem: 'WrongTransfer' };
  if (Date.parse(stored.expiresAt) <= now.getTime()) return { ok: false, problem: 'TokenExpired' };
  return { ok: true, token: stored };
}
