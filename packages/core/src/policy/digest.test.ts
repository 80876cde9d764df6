import { createHash } from 'node:crypto';
import { policyDigest } from './digest.js';
import type { CompiledPolicy } from './types.js';

const doc: Omit<CompiledPolicy, 'digest'> = {
  id: 'battery/recycling-data',
  generation: 1,
  permissions: [{ action: 'use', constraints: [{ leftOperand: 'relationship', operator: 'eq', rightOperand: 'recyclerOf' }] }],
  prohibitions: [],
  obligations: [],
  odrl: { profile: 'https://musubi.dev/ns/policy' },
};

describe('policyDigest', () => {
  test('is sha256 over the canonical JSON of the content, without digest and generation', () => {
    const { generation: _generation, ...content } = doc;
    const canonical = '{"id":"battery/recycling-data","obligations":[],"odrl":{"profile":"https://musubi.dev/ns/policy"},"permissions":[{"action":"use","constraints":[{"leftOperand":"relationship","operator":"eq","rightOperand":"recyclerOf"}]}],"prohibitions":[]}';
    expect(policyDigest(doc)).toBe(`sha256:${createHash('sha256').update(canonical).digest('hex')}`);
    expect(policyDigest(content)).toBe(policyDigest(doc));
  });

  test('ignores key order, the digest field and the generation', () => {
    const reordered = { odrl: doc.odrl, obligations: [], prohibitions: [], permissions: doc.permissions, id: doc.id, generation: 7, digest: 'sha256:stale' };
    expect(policyDigest(reordered)).toBe(policyDigest(doc));
  });

  test('changes with any rule', () => {
    expect(policyDigest({ ...doc, permissions: [{ action: 'use', constraints: [] }] })).not.toBe(policyDigest(doc));
    expect(policyDigest({ ...doc, id: 'battery/other' })).not.toBe(policyDigest(doc));
  });
});
