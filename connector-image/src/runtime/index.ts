export { transact, nowIso, type AfterCommit, type ConnectorContext, type DataPlaneSettings, type WireObserver } from './context.js';
export { reply, type Reply } from './reply.js';
export { ManagementConflict, ProcessNotFound, ProtocolRefusal } from './errors.js';
export { PollingLoop, type PollingLoopOptions } from './polling-loop.js';
