// Everything fgrun's host does that depends on the operating system, in one place (docs/platforms.md).
export { onHostExit, type ExitPhase } from './host-exit.js';
