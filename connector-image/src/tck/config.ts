// The configuration of the TCK conformance profile (profile: tck-conformance). Only that profile reads
// it; a connector in the dataspace profile never accepts the TCK's static authorization header.
import { z } from 'zod';

export const TckProfileConfigSchema = z.strictObject({
  participantId: z.string().min(1).default('TCK_PARTICIPANT').describe('The participant id the TCK uses for itself (its DspConstants.TCK_PARTICIPANT_ID).'),
  authorization: z.string().min(1).max(1024).describe('The Authorization header value the TCK sends on every request (dataspacetck.dsp.connector.http.headers.authorization).'),
  triggers: z.strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8687),
  }).prefault({}).describe('Where the TCK\'s consumer-side cases POST to start a negotiation or a transfer.'),
  dataFile: z.string().min(1).describe('A file served as the data of every seeded TCK dataset.'),
  pacing: z.strictObject({
    stepDelayMs: z.number().int().min(0).max(10_000).default(500)
      .describe('Pause before each scripted step: the TCK arms its handler for the next message only after it has seen the previous one.'),
    stepDeadlineMs: z.number().int().min(100).max(300_000).default(30_000)
      .describe('How long a scripted step waits for its process to reach the state it answers before the script gives up.'),
  }).prefault({}),
});

export type TckProfileConfig = z.infer<typeof TckProfileConfigSchema>;
