// The issuer's public, unauthenticated documents: its DID document, signed trust list, status lists,
// transparency log (entries and signed head), the freshness of its recognitions and the subject schemas.
import { CREDENTIAL_TYPES } from '@musubi/core/vocabulary';
import { SUBJECT_SCHEMAS } from '@musubi/core/trust';
import { Router } from 'express';
import { z } from 'zod';
import { guard } from '../http/app.js';
import { HttpProblem, parseInput } from '../http/problem.js';
import { bearerToken } from '../http/secret-file.js';
import type { IssuerCore } from './core.js';

const LogRange = z.object({
  from: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function requireAdmin(core: IssuerCore) {
  return guard((req) => {
    if (!core.adminToken.matches(bearerToken(req.get('authorization')))) {
      throw new HttpProblem(401, 'Unauthorized', 'this endpoint needs the issuer\'s admin bearer token in "Authorization: Bearer <token>"');
    }
  });
}

export function publicRoutes(core: IssuerCore): Router {
  const router = Router();
  const didJson = (_req: unknown, res: import('express').Response) => {
    res.type('application/did+json').send(JSON.stringify(core.didDocument));
  };
  router.get('/.well-known/did.json', didJson);
  router.get('/did.json', didJson);

  router.get('/trust-list', async (_req, res) => {
    const { jwt, validUntil } = await core.trustList.current();
    res.set('cache-control', 'max-age=60').set('x-valid-until', validUntil.toISOString()).type('application/vc+jwt').send(jwt);
  });

  router.get('/status/:listId', async (req, res) => {
    const id = `${core.baseUrl}/status/${req.params.listId}`;
    if (!core.status.has(id)) throw new HttpProblem(404, 'NotFound', `no status list ${id}; lists are ${core.status.listIds().join(', ') || 'not yet created'}`);
    res.set('cache-control', 'max-age=30').type('application/vc+jwt').send(await core.status.publication(id));
  });

  router.get('/transparency-log', (req, res) => {
    const { from, limit } = parseInput(LogRange, req.query, 'query');
    res.json({ head: core.transparency.head, entries: core.transparency.range(from, limit) });
  });
  router.get('/transparency-log/head', async (_req, res) => {
    res.json(await core.transparency.signedHead());
  });

  router.get('/recognition', (_req, res) => {
    res.json({ anchor: core.did, jurisdiction: core.config.anchor.jurisdiction, recognised: core.recognition.status() });
  });
  router.post('/recognition/refresh', requireAdmin(core), async (_req, res) => {
    await core.recognition.refreshAll();
    res.json({ anchor: core.did, jurisdiction: core.config.anchor.jurisdiction, recognised: core.recognition.status() });
  });

  router.get('/schemas/:type', (req, res) => {
    const type = CREDENTIAL_TYPES.find((t) => t === req.params.type);
    if (!type) throw new HttpProblem(404, 'NotFound', `no schema for ${req.params.type}; known types are ${CREDENTIAL_TYPES.join(', ')}`);
    res.type('application/schema+json').send(JSON.stringify({ title: `${type} credentialSubject`, ...z.toJSONSchema(SUBJECT_SCHEMAS[type], { io: 'input' }) }));
  });
  return router;
}
