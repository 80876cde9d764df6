// The audit log is a hash chain: each entry's hash covers its content and the previous entry's hash, so
// removing, reordering or editing any step of any negotiation or transfer breaks every hash after it.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@musubi/core/canonical-json';
import type { AuditEntry } from '../store/records.js';

export const AUDIT_GENESIS = '0'.repeat(64);

export function auditHash(entry: Omit<AuditEntry, 'hash'>): string {
  const content = { seq: entry.seq, at: entry.at, processKey: entry.processKey, event: entry.event, detail: entry.detail, prevHash: entry.prevHash };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

export type AuditVerdict =
  | { valid: true; entries: number; head: string }
  | { valid: false; entries: number; brokenAt: number; problem: string };

/**
 * Checks a run of entries. `previous` is the hash the first entry must link to (the genesis hash for
 * an export from the start), so a suffix of the log can be checked against a known head.
 */
export function verifyAuditChain(entries: readonly AuditEntry[], previous: string = AUDIT_GENESIS, firstSeq = 1): AuditVerdict {
  let prevHash = previous;
  let expectedSeq = firstSeq;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) return { valid: false, entries: entries.length, brokenAt: entry.seq, problem: `entry ${entry.seq} follows ${expectedSeq - 1}: entries are missing or reordered` };
    if (entry.prevHash !== prevHash) return { valid: false, entries: entries.length, brokenAt: entry.seq, problem: `entry ${entry.seq} links to ${entry.prevHash}, but the entry before it hashes to ${prevHash}` };
    const hash = auditHash(entry);
    if (hash !== entry.hash) return { valid: false, entries: entries.length, brokenAt: entry.seq, problem: `entry ${entry.seq} was altered: its content hashes to ${hash}, not ${entry.hash}` };
    prevHash = entry.hash;
    expectedSeq++;
  }
  return { valid: true, entries: entries.length, head: prevHash };
}
