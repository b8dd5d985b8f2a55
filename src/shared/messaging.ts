import browser from 'webextension-polyfill';
import { PeerbeamError, isErrorCode } from '../core/errors.js';
import type {
  BackgroundForPages,
  Handlers,
  MethodName,
  Params,
  Result,
  Target,
} from './protocol-map.js';
import { route, replyFromError, type Envelope, type Reply } from './routing.js';

const NO_RECEIVER = /Receiving end does not exist|Could not establish connection/;
const RETRY_DELAYS_MS = [50, 100, 200, 400, 800];

/**
 * Calls `method` on the context `target`. A context that is not listening yet (an offscreen
 * document still loading) is retried a few times before the call fails.
 */
export async function call<T extends Target, M extends MethodName<T>>(
  target: T,
  method: M,
  ...params: Params<T, M>
): Promise<Result<T, M>> {
  const envelope: Envelope = { peerbeam: 1, target, method, params };
  for (let attempt = 0; ; attempt++) {
    try {
      const reply: Reply | undefined = await browser.runtime.sendMessage(envelope);
      if (!reply) throw new PeerbeamError('INTERNAL', `no answer from ${target}.${method}`);
      if (!reply.ok) {
        const code = isErrorCode(reply.error.code) ? reply.error.code : 'INTERNAL';
        throw new PeerbeamError(code, reply.error.message);
      }
      return reply.value as Result<T, M>;
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !(error instanceof Error) || !NO_RECEIVER.test(error.message)) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Registers this context's methods. Call once, at top level, so the listener exists before
 * the first message that woke the context is dispatched.
 */
export function registerMethods<T extends Target>(self: T, handlers: Handlers<T>): void {
  serve(self, handlers);
}

/**
 * Registers only what pages ask of the background (a host that is its own background, as
 * Firefox's event page, calls the rest directly): any other method is refused.
 */
export function registerPageMethods(
  handlers: Pick<Handlers<'background'>, keyof BackgroundForPages>,
): void {
  serve('background', handlers);
}

function serve(
  self: Target,
  handlers: Partial<Record<string, (...args: never[]) => unknown>>,
): void {
  const names = new Set(Object.keys(handlers));
  browser.runtime.onMessage.addListener((message: unknown): Promise<Reply> | undefined => {
    const decision = route(message, self, names);
    if (decision === 'ignore') return undefined;
    const envelope = message as Envelope;
    if (decision === 'reject') {
      return Promise.resolve(
        replyFromError(
          new PeerbeamError('BAD_REQUEST', `${self} has no method ${envelope.method}`),
        ),
      );
    }
    const handler = handlers[envelope.method] as (...args: unknown[]) => unknown;
    return (async (): Promise<Reply> => {
      try {
        return { ok: true, value: (await handler(...envelope.params)) ?? null };
      } catch (error) {
        return replyFromError(error);
      }
    })();
  });
}
