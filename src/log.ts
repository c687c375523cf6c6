// The host's own log (not the function's): winston to stderr, level from FGRUN_LOG_LEVEL
// (error, warn, info, debug; default warn). Registered secrets are masked in every line.
import winston from 'winston';

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

const redactFormat = winston.format((info) => {
  info.message = redact(String(info.message));
  for (const key of Object.keys(info)) {
    const value = (info as Record<string, unknown>)[key];
    if (typeof value === 'string' && key !== 'level') (info as Record<string, unknown>)[key] = redact(value);
  }
  return info;
});

export const hostLog = winston.createLogger({
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
