/**
 * JSON-lines logging for the signaling service. Fields are primitives only, and callers pass
 * events and counts: never frame payloads, relay bodies, nameplates or addresses.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;
export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface LogLine {
  readonly level: LogLevel;
  readonly event: string;
  readonly fields: LogFields;
}

function fromSink(sink: (line: LogLine) => void): Logger {
  return {
    info: (event, fields = {}) => sink({ level: 'info', event, fields }),
    warn: (event, fields = {}) => sink({ level: 'warn', event, fields }),
    error: (event, fields = {}) => sink({ level: 'error', event, fields }),
  };
}

/** One JSON object per line, e.g. `{"time":"…","level":"info","event":"conn.open","connections":3}`. */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  return fromSink(({ level, event, fields }) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })),
  );
}

export const silentLogger: Logger = fromSink(() => {});

/** Keeps every line in memory, so tests can assert what is (and is not) logged. */
export function createMemoryLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  return Object.assign(
    fromSink((line) => lines.push(line)),
    { lines },
  );
}
