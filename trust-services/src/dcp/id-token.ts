// DCP endpoints authenticate the caller by a self-issued ID token in `Authorization: Bearer`: the caller's
// DID signs a short-lived token for this party's DID. A missing or failed token is 401 with the reason.
import { verifySelfIssuedIdToken, type Clock, type KeyResolver, type ReplayGuard, type VerifiedIdToken } from '@musubi/core/trust';
import type { Request } from 'express';
import { HttpProblem, toProblem } from '../http/problem.js';
import { bearerToken } from '../http/secret-file.js';

export interface IdTokenCheck {
  /** This party's DID: the token's audience. */
  audience: string;
  keys: KeyResolver;
  replayGuard: ReplayGuard;
  clock: Clock;
}

export async function authenticateIdToken(req: Request, check: IdTokenCheck): Promise<VerifiedIdToken> {
  const token = bearerToken(req.get('authorization'));
  if (!token) throw new HttpProblem(401, 'Unauthorized', 'send a self-issued ID token of your DID in "Authorization: Bearer <token>"');
  try {
    return await verifySelfIssuedIdToken(token, { audience: check.audience, keys: check.keys, replayGuard: check.replayGuard, clock: check.clock });
  } catch (error) {
    const problem = toProblem(error);
    if (problem.status >= 500) throw problem;
    throw new HttpProblem(401, problem.reason, `the ID token was refused: ${problem.message}`, undefined, { cause: error });
  }
}
