import { readWatchStream } from './watch-stream.js';

async function collect(chunks: Array<string | Buffer>) {
  const out = [];
  for await (const e of readWatchStream((async function* () { yield* chunks; })())) out.push(e);
  return out;
}

describe('readWatchStream', () => {
  it('reassembles lines split across chunks, including a multi-byte character cut in two', async () => {
    const line = Buffer.from(JSON.stringify({ type: 'ADDED', object: { metadata: { name: '結び' } } }) + '\n');
    const cut = line.indexOf(Buffer.from('結')) + 1;
    const events = await collect([line.subarray(0, cut), line.subarray(cut), '\n', JSON.stringify({ type: 'DELETED', object: {} })]);
    expect(events).toEqual([
      { type: 'ADDED', object: { metadata: { name: '結び' } } },
      { type: 'DELETED', object: {} },
    ]);
  });

  it('fails on a line that is not a watch event, saying so without echoing it whole', async () => {
    await expect(collect(['{"type":"ADDED"\n'])).rejects.toThrow(/a line is not JSON \(15 bytes/);
    await expect(collect(['{"type":"SOMETHING","object":{}}\n'])).rejects.toThrow(/no known type or no object \(type "SOMETHING"\)/);
  });
});
