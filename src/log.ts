// The host's own log (not the function's): winston to stderr, level from FGRUN_LOG_LEVEL
// (error, warn, info, debug; default warn). Registered secrets are masked in every line.
// winston is loaded on the first line that the level lets through (or the first use of the
// logger's API): most runs write none, and loading it was a tenth of `fgrun invoke`'s start-up.
import { createRequire } from 'node:module';
import type { Logger } from 'winston';

const secrets = new Set<string>();

// Mask this value wherever it would appear in the host's log (keys, tokens, signatures).
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

// Replace every registered secret in a text with "***".
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

// The winston logger, made on first need.
function createLogger(): Logger {
  const winston = createRequire(import.meta.url)('winston') as typeof import('winston');
  const redactFormat = winston.format((info) => {
    info.message = redact(String(info.message));
    for (const key of Object.keys(info)) {
      const value = (info as Record<string, unknown>)[key];
      if (typeof value === 'string' && key !== 'level') (info as Record<string, unknown>)[key] = redact(value);
    }
    return info;
  });
  return winston.createLogger({
    level: process.env.FGRUN_LOG_LEVEL ?? 'warn',
    format: winston.format.combine(
      redactFormat(),
      winston.format.timestamp(),
      winston.format.printf((info) => {
        const { level, message, timestamp, ...rest } = info as Record<string, unknown>;
        const extra = Object.keys(rest).length ? ' ' + redact(JSON.stringify(rest)) : '';
        return `${String(timestamp)} fgrun ${String(level)}: ${String(message)}${extra}`;
      }),
    ),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] })],
  });
}

/** npm's levels, as winston ranks them. */
const LEVELS: Record<string, number> = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };
const quiet = (): void => {};
let logger: Logger | null = null;

/** The host log: winston's Logger. Before winston is loaded, a level method whose lines the
 * configured level would drop is a no-op that does not load it. */
export const hostLog: Logger = new Proxy({} as Logger, {
  get(_, key) {
    if (logger === null && typeof key === 'string' && key in LEVELS) {
      const threshold = LEVELS[process.env.FGRUN_LOG_LEVEL ?? 'warn'] ?? LEVELS.warn!;
      if (LEVELS[key]! > threshold) return quiet;
    }
    logger ??= createLogger();
    const value = Reflect.get(logger, key, logger) as unknown;
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(logger) : value;
  },
  set(_, key, value) {
    logger ??= createLogger();
    return Reflect.set(logger, key, value, logger);
  },
});
