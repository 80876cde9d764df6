// Export and verification of the stored audit log, page by page so a long log never sits in memory
// twice.
import type { ConnectorStore } from '../store/store.js';
import type { AuditEntry } from '../store/records.js';
import { AUDIT_GENESIS, verifyAuditChain, type AuditVerdict } from './chain.js';

const PAGE = 500;

/** Every entry from the start, in order, as an async sequence. */
export async function* exportAudit(store: ConnectorStore): AsyncGenerator<AuditEntry> {
  let after = 0;
  // Bounded by the log's length: each page advances `after` past at least one entry or stops.
  for (;;) {
    const page = await store.auditEntries(after, PAGE);
    for (const entry of page) yield entry;
    if (page.length < PAGE) return;
    after = (page[page.length - 1] as AuditEntry).seq;
  }
}

export async function verifyStoredAudit(store: ConnectorStore): Promise<AuditVerdict> {
  let previous = AUDIT_GENESIS;
  let next = 1;
  let total = 0;
  let after = 0;
  for (;;) {
    const page = await store.auditEntries(after, PAGE);
    const verdict = verifyAuditChain(page, previous, next);
    if (!verdict.valid) return { ...verdict, entries: total + page.length };
    total += page.length;
    if (page.length < PAGE) return { valid: true, entries: total, head: verdict.head };
    const last = page[page.length - 1] as AuditEntry;
    previous = last.hash;
    next = last.seq + 1;
    after = last.seq;
  }
}
