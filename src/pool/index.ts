export { Pool, type Acquired, type CloseMode, type PoolMember, type PoolStats } from './pool.js';
