// One JSON text per JSON value, so that hashes and equality checks over documents do not depend on
// key order or whitespace. Follows RFC 8785 (JCS) for the values Musubi handles: object keys sorted by
// UTF-16 code units, no whitespace, numbers and strings as ECMAScript's JSON.stringify writes them.

export class CanonicalJsonError extends TypeError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot write canonical JSON at ${path || '(root)'}: ${reason}`);
    this.name = 'CanonicalJsonError';
  }
}

/**
 * Canonical JSON text of a JSON value. Object properties whose value is `undefined` are left out (as
 * JSON.stringify does); anything that has no JSON form (functions, bigint, NaN, Infinity, class
 * instances such as Date or Map, cycles, `undefined` inside arrays) is an error naming its path.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '', new Set());
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} has no JSON form`);
      return JSON.stringify(value);
    case 'object':
      return writeContainer(value, path, ancestors);
    default:
      throw new CanonicalJsonError(path, `a ${typeof value} has no JSON form`);
  }
}

function writeContainer(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new CanonicalJsonError(path, 'the value contains itself (cycle)');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item: unknown, i) => {
        if (item === undefined) throw new CanonicalJsonError(`${path}[${i}]`, 'undefined inside an array has no JSON form');
        return write(item, `${path}[${i}]`, ancestors);
      }).join(',')}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new CanonicalJsonError(path, `a ${value.constructor.name} is not plain JSON data; convert it first (e.g. a Date to an ISO string)`);
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${write(record[key], path ? `${path}.${key}` : key, ancestors)}`);
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}
