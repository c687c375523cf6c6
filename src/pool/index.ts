export { Pool, type CloseMode, type PoolStats } from './pool.js';
