// ORv3 rack power placement: the pure model the operator reconciles nodes and renders pod templates with.

export * from './config.js';
export * from './power-profiles.js';
export * from './power-model.js';
export * from './names.js';
export { parseQuantity, cpuMillis, bytes, wholeUnits, QuantityError } from './quantity.js';
export * from './facts.js';
export * from './constraints.js';
export * from './shares.js';
export * from './share-plan.js';
export * from './headroom.js';
export * from './summary.js';
export * from './render.js';
export * from './oracle.js';
