// One JSON document of service state (e.g. the issued-credential index), validated with its zod schema
// when loaded so a damaged or hand-edited file is refused with the field that is wrong, and written
// atomically on every change.
import { z } from 'zod';
import { fieldPath } from '../http/problem.js';
import { readFileIfExists, writeFileAtomic } from './atomic-file.js';

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

export class JsonStateFile<S extends z.ZodType> {
  constructor(
    readonly path: string,
    readonly schema: S,
  ) {}

  /** The stored state, or `initial` when the file does not exist yet. */
  load(initial: z.infer<S>): z.infer<S> {
    const text = readFileIfExists(this.path);
    if (text === undefined) return initial;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new StateFileError(`state file ${this.path} is not JSON; restore it from a backup or remove it to start empty`, { cause });
    }
    const result = this.schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new StateFileError(`state file ${this.path} is damaged at ${fieldPath('', issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
    }
    return result.data;
  }

  save(state: z.infer<S>): void {
    writeFileAtomic(this.path, `${JSON.stringify(state)}\n`);
  }
}
