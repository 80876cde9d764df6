import { canonicalJson, CanonicalJsonError } from './index.js';

describe('canonicalJson', () => {
  test('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  test('the same value gives the same text whatever the key order', () => {
    expect(canonicalJson({ permissions: [], id: 'a/b', generation: 1 })).toBe(canonicalJson({ generation: 1, id: 'a/b', permissions: [] }));
  });

  test('keeps array order, which is meaningful', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  test('sorts keys by UTF-16 code units and escapes strings as JSON does (RFC 8785)', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '\u0080': 4, '1': 5, 'é': 6 })).toBe('{"\\r":2,"1":5,"\u0080":4,"é":6,"\u20ac":1,"\ud83d\ude00":3}');
    expect(canonicalJson('法人番号 "quoted"\n')).toBe('"法人番号 \\"quoted\\"\\n"');
  });

  test('writes numbers in their shortest ECMAScript form', () => {
    expect(canonicalJson([1.0, -0, 1e21, 0.000001, 1e-7, 333333333.3333333])).toBe('[1,0,1e+21,0.000001,1e-7,333333333.3333333]');
  });

  test('leaves out undefined properties, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  test.each([
    [{ n: Number.NaN }, 'n', /NaN has no JSON form/],
    [{ list: [1, undefined] }, 'list[1]', /undefined inside an array/],
    [{ when: new Date(0) }, 'when', /a Date is not plain JSON data; convert it first/],
    [{ big: 1n }, 'big', /a bigint has no JSON form/],
    [{ f: () => 1 }, 'f', /a function has no JSON form/],
  ])('%j is refused at its path', (value, path, message) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(message);
    try {
      canonicalJson(value);
    } catch (error) {
      expect((error as CanonicalJsonError).path).toBe(path);
    }
  });

  test('refuses cycles but accepts a value repeated in two places', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow('cannot write canonical JSON at self: the value contains itself (cycle)');
  });
});
