export { Pool, type CloseMode, type PoolMember, type PoolStats } from './pool.js';
