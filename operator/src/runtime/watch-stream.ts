import { StringDecoder } from 'node:string_decoder';

// The watch response is one JSON event per line; a line may arrive split over several chunks.

export interface RawWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

const EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export async function* readWatchStream(body: AsyncIterable<Buffer | string>): AsyncIterable<RawWatchEvent> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield parseEvent(line);
      newline = pending.indexOf('\n');
    }
  }
  const rest = (pending + decoder.end()).trim();
  if (rest) yield parseEvent(rest);
}

function parseEvent(line: string): RawWatchEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`watch stream: a line is not JSON (${line.length} bytes, starts "${line.slice(0, 40)}")`);
  }
  const event = parsed as { type?: unknown; object?: unknown };
  if (typeof event.type !== 'string' || !EVENT_TYPES.has(event.type) || typeof event.object !== 'object' || event.object === null) {
    throw new Error(`watch stream: an event has no known type or no object (type ${JSON.stringify(event.type)})`);
  }
  return { type: event.type as RawWatchEvent['type'], object: event.object };
}
