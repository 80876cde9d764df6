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
});

export type TckProfileConfig = z.infer<typeof TckProfileConfigSchema>;
