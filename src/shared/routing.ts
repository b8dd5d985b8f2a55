import { toErrorData, type ErrorData } from '../core/errors.js';
import type { Target } from './protocol-map.js';

/** The envelope of every message between contexts (JSON: runtime.sendMessage serialises). */
export interface Envelope {
  peerbeam: 1;
  target: Target;
  method: string;
  params: unknown[];
}

export type Reply = { ok: true; value: unknown } | { ok: false; error: ErrorData };

const TARGETS: readonly string[] = ['background', 'offscreen'];

export function isEnvelope(message: unknown): message is Envelope {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  return (
    m.peerbeam === 1 &&
    typeof m.target === 'string' &&
    TARGETS.includes(m.target) &&
    typeof m.method === 'string' &&
    Array.isArray(m.params)
  );
}

/**
 * What a context does with a message that reaches it. runtime.sendMessage reaches every
 * extension context, so each answers only messages addressed to it and stays silent otherwise
 * (a silent listener lets the addressee answer).
 */
export function route(
  message: unknown,
  self: Target,
  ownMethods: ReadonlySet<string>,
): 'respond' | 'reject' | 'ignore' {
  if (!isEnvelope(message) || message.target !== self) return 'ignore';
  return ownMethods.has(message.method) ? 'respond' : 'reject';
}

export function replyFromError(error: unknown): Reply {
  return { ok: false, error: toErrorData(error) };
}
