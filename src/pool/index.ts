export { Pool, type Acquired, type CloseMode, type PoolOptions, type PoolStats, type Started } from './pool.js';
