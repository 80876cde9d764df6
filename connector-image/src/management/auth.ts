// The management API's bearer token, read from a file mounted from a Secret (re-read so a rotated
// Secret takes effect without a restart) and compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { NextFunction, Request, Response } from 'express';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function managementAuth(tokenFile: string, cacheMs = 5_000) {
  let cached: { digest: Buffer; at: number } | undefined;
  const expected = async (): Promise<Buffer> => {
    if (cached && Date.now() - cached.at < cacheMs) return cached.digest;
    const token = (await readFile(tokenFile, 'utf8')).trim();
    if (token.length < 16) throw new Error(`management token in ${tokenFile} is shorter than 16 characters`);
    cached = { digest: digest(token), at: Date.now() };
    return cached.digest;
  };
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
    let want: Buffer;
    try {
      want = await expected();
    } catch {
      res.status(503).json({ error: 'TokenUnavailable', message: 'the management token file cannot be read; check the mounted Secret' });
      return;
    }
    // Comparing digests keeps the comparison constant-time whatever the presented token's length.
    if (!match || !timingSafeEqual(digest(match[1] as string), want)) {
      res.setHeader('www-authenticate', 'Bearer realm="musubi-connector-management"');
      res.status(401).json({ error: 'Unauthorized', message: 'send the management token as "Authorization: Bearer <token>"' });
      return;
    }
    next();
  };
}
