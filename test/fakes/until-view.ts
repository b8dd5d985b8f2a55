import type { SessionView } from '../../src/engine/views.js';

/**
 * Resolves with the session's view once it passes `test`, polling every 5 ms; fails after
 * `ms` naming what never came, with the view it last showed.
 */
export function untilView(snapshot: () => SessionView, ms: number) {
  return async (test: (view: SessionView) => boolean, what: string): Promise<SessionView> => {
    const deadline = Date.now() + ms;
    while (!test(snapshot())) {
      if (Date.now() > deadline) throw new Error(`never ${what}: ${JSON.stringify(snapshot())}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return snapshot();
  };
}
