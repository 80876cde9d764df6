import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { TransferMeter, TransferTooLarge } from './meter.js';

const sink = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

describe('the transfer meter', () => {
  test('counts the bytes and hashes the content as it passes', async () => {
    const parts = [Buffer.from('hello '), Buffer.from('world')];
    const meter = new TransferMeter(100, 'the test data');
    await pipeline(Readable.from(parts), meter, sink());
    expect(meter.bytes).toBe(11);
    expect(meter.sha256).toBe(createHash('sha256').update('hello world').digest('hex'));
  });

  test('cuts the stream off the moment it passes the limit, naming the setting', async () => {
    const meter = new TransferMeter(10, 'the test data');
    const failure = pipeline(Readable.from([Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8)]), meter, sink());
    await expect(failure).rejects.toBeInstanceOf(TransferTooLarge);
    await expect(failure).rejects.toThrow('the test data is larger than dataPlane.maxDataBytes (10 bytes), the limit for one transfer');
    expect(meter.bytes).toBe(16);
    expect(meter.sha256).toBeUndefined();
  });
});
