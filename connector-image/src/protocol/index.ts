// The DSP 2025-1 wire protocol: message shapes, schema-checked reading and writing, builders.
export { DSP_CONTEXT, DSP_VERSION, MUSUBI_PURPOSE, normalizeContext, uncompactedKeys } from './context.js';
export * from './messages.js';
export { DspMessageInvalid, OutgoingMessageInvalid, dspMessageIssues, readDspMessage, writeDspMessage, type MessageIssue } from './codec.js';
export * from './build.js';
export { pidSegment } from './paths.js';
