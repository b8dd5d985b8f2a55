/**
 * Structured logging for the signaling service: pino, one JSON object per line on stdout.
 * Callers pass an event name and primitive fields (counts, ids of our own making, close codes,
 * error classes): never frame payloads, relay bodies, nameplates, mailbox ids or addresses.
 * Fields under those names are redacted anyway, in case a later change slips one in.
 */
import { pino, stdTimeFunctions, type DestinationStream } from 'pino';
import type { LogLevel } from './config.js';

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const REDACTED_FIELDS = ['body', 'nameplate', 'mailbox', 'code', 'address', 'url', 'password'];

/** `{"level":"info","time":"…","pid":…,"hostname":"…","event":"conn.open","connections":3}` */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    messageKey: 'event',
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
  };
  const log = destination ? pino(options, destination) : pino(options);
  return {
    info: (event, fields = {}) => log.info(fields, event),
    warn: (event, fields = {}) => log.warn(fields, event),
    error: (event, fields = {}) => log.error(fields, event),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A real pino logger writing into memory, so tests can assert on exactly what would be logged. */
export function createCaptureLogger(): Logger & {
  /** Everything written so far, as the JSON lines pino produced. */
  readonly output: () => string;
  readonly lines: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const logger = createLogger('info', { write: (chunk: string) => void chunks.push(chunk) });
  const output = () => chunks.join('');
  const lines = () =>
    output()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { ...logger, output, lines };
}

/** An error's class or code, for a log field: never its message, which can quote the data
 * that caused it (or, from ioredis, the host and port of REDIS_URL). */
export function errorName(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.name;
  return typeof error;
}
