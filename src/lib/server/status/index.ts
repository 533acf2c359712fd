export { NodeMonitor, type MonitorDeps } from './monitor';
export { readiness, type Readiness } from './ready';
export { Freshness } from './freshness';
export { binlogDistance, comparePositions, serverPosition } from './binlog';
