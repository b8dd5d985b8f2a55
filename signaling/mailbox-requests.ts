/**
 * Carries a client's mailbox request (every frame after hello) through admission and to the
 * store, and says how it went as an input for the state machine (connection.ts).
 */
import type { Admission } from './admission.js';
import type { ConnectionInput, StoreFrame } from './connection.js';
import type { ConnectionId, MailboxStore } from './mailboxes.js';

export interface Requester {
  readonly id: ConnectionId;
  readonly addressKey: string;
  /** In a mailbox, as far as this process knows. */
  readonly inMailbox: boolean;
}

export async function answerRequest(
  store: MailboxStore,
  admission: Admission,
  from: Requester,
  frame: StoreFrame,
  receivedAt: number,
): Promise<ConnectionInput> {
  if (frame.type === 'allocate' || frame.type === 'claim' || frame.type === 'join') {
    const refusal = await admission.admitEntry(frame.type, from.addressKey, from.inMailbox);
    if (refusal !== null) return { type: 'refused', reason: refusal };
  }
  switch (frame.type) {
    case 'allocate': {
      const result = await store.allocate(from.id);
      return result.ok
        ? { type: 'allocated', nameplate: result.nameplate }
        : { type: 'failed', code: result.code };
    }
    case 'claim': {
      const result = await store.claim(from.id, frame.nameplate);
      return result.ok
        ? { type: 'claimed', nameplate: frame.nameplate }
        : { type: 'failed', code: result.code };
    }
    case 'join': {
      const result = await store.join(from.id, frame.mailbox);
      return result.ok
        ? { type: 'joined', peerPresent: result.peerPresent }
        : { type: 'failed', code: result.code };
    }
    case 'relay': {
      const result = await store.relay(from.id, frame.body);
      return result.ok ? { type: 'relayed', receivedAt } : { type: 'failed', code: result.code };
    }
    case 'release':
      await store.release(from.id, frame.mood);
      return { type: 'released' };
  }
}
