export * from './types';
export { MemoryChangeLog } from './memory';
export { RedisChangeLog } from './redis';
