import type { SessionView } from '../engine/views.js';

/** The engine's views (src/engine/views.ts), as the UI imports them. */
export type {
  ChatLine,
  DeviceView,
  LinkView,
  SessionRole,
  SessionStep,
  SessionView,
  Settings,
  TransferFileState,
  TransferFileView,
  TransferState,
  TransferView,
} from '../engine/views.js';

/** The view to show: a newer revision of the same session wins; another session replaces. */
export function newerView(current: SessionView | null, incoming: SessionView): SessionView {
  if (current && current.id === incoming.id && current.revision > incoming.revision) return current;
  return incoming;
}

/**
 * The session a page started itself (the send page), shown in its newest state. The start
 * call's answer comes back through the service worker, but change events come straight from
 * the offscreen document, so an event (the one carrying the code) can arrive before the
 * answer names the session: events seen while a start is pending are held for that answer.
 */
export class StartedSessionView {
  #shown: SessionView | null = null;
  #starting = false;
  readonly #early = new Map<string, SessionView>();

  /** Call before asking for the session to start. */
  starting(): void {
    this.#starting = true;
    this.#shown = null;
    this.#early.clear();
  }

  /** The start call answered with `answer`: the view to show. */
  started(answer: SessionView): SessionView {
    this.#shown = newerView(this.#early.get(answer.id) ?? null, answer);
    this.#starting = false;
    this.#early.clear();
    return this.#shown;
  }

  /** The start call failed, or the person left the session: nothing is shown. */
  reset(): void {
    this.#shown = null;
    this.#starting = false;
    this.#early.clear();
  }

  /** A change event from the offscreen document: the view to show now (null: none). */
  changed(view: SessionView): SessionView | null {
    if (this.#shown) {
      if (this.#shown.id === view.id) this.#shown = newerView(this.#shown, view);
    } else if (this.#starting) {
      this.#early.set(view.id, newerView(this.#early.get(view.id) ?? null, view));
    }
    return this.#shown;
  }
}
