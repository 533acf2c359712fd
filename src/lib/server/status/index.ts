export { NodeMonitor, type MonitorDeps } from './monitor';
export { readiness, type Readiness } from './ready';
export { LagTracker } from './lag';
export { binlogDistance, comparePositions, serverPosition } from './binlog';
