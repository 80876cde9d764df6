export { AUDIT_GENESIS, auditHash, verifyAuditChain, type AuditVerdict } from './chain.js';
export { exportAudit, verifyStoredAudit } from './export.js';
