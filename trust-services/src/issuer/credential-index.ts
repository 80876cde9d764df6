// The index of credentials an issuer signed: which status bits belong to which credential (to revoke it
// by id), its subject and validity (to see whether a holder already has a live LegalPersonCredential).
// Entries are only ever added, so the index is an append-only file of JSON lines.
import { z } from 'zod';
import { JsonLinesFile } from '../storage/json-lines.js';

export const IssuedRecord = z.strictObject({
  id: z.string(),
  type: z.string(),
  subject: z.string().optional(),
  format: z.enum(['vc+jwt', 'eddsa-rdfc-2022']),
  issuedAt: z.string(),
  validUntil: z.string().optional(),
  status: z.array(z.strictObject({ statusPurpose: z.string(), statusListCredential: z.string(), statusListIndex: z.string() })),
});
export type IssuedRecord = z.infer<typeof IssuedRecord>;

export class CredentialIndex {
  readonly #file: JsonLinesFile;
  readonly #records = new Map<string, IssuedRecord>();

  constructor(path: string) {
    this.#file = new JsonLinesFile(path);
    const { entries } = this.#file.load();
    entries.forEach((entry, i) => {
      const parsed = IssuedRecord.safeParse(entry);
      if (!parsed.success) throw new Error(`${path} line ${i + 1} is not an issued-credential record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      this.#records.set(parsed.data.id, parsed.data);
    });
  }

  get size(): number {
    return this.#records.size;
  }

  add(record: IssuedRecord): void {
    if (this.#records.has(record.id)) throw new Error(`credential ${record.id} is already in the index`);
    this.#file.append(record);
    this.#records.set(record.id, record);
  }

  get(id: string): IssuedRecord | undefined {
    return this.#records.get(id);
  }

  /** Records of `type` about `subject`, newest first. */
  find(type: string, subject: string): IssuedRecord[] {
    return [...this.#records.values()].filter((r) => r.type === type && r.subject === subject).reverse();
  }
}
