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
