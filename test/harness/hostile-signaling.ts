import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { decodeRelayBody, encodeRelayBody, RelayKind } from '../../src/core/handshake-wire.js';
import { createHandshake, type Handshake } from '../../src/core/pake.js';
import {
  PROTOCOL_VERSION,
  decodeClientFrame,
  encodeFrame,
  type ServerFrame,
} from '../../src/core/protocol.js';

/**
 * What the hostile server does with one allocated code:
 * - `guess`: claims it at once and runs CPace with a wrong password, a valid-looking share and
 *   confirmation, so the sharer's key confirmation fails (CODE_MISMATCH);
 * - `stall`: claims it at once, then says nothing more;
 * - `idle`: leaves the code on offer, as an honest server does until someone claims it.
 */
export type Claim = 'guess' | 'stall' | 'idle';

export interface Allocation {
  nameplate: string;
  claim: Claim;
  /** When the server sent `paired` (ms since epoch). */
  pairedAt?: number;
  /** The sharer answered the claim with its PAKE share: it took the guess. */
  sharerShareAt?: number;
  /** The sharer sent its key confirmation (the claimant could check its guess offline). */
  sharerConfirmationAt?: number;
  releaseMood?: string;
  /** The sharer's socket closed. */
  closedAt?: number;
}

export interface HostileSignaling {
  url: string;
  /** Every allocation, in order. */
  allocations: Allocation[];
  /** Allocations whose claim the sharer answered with its PAKE share. */
  answeredClaims(): Allocation[];
  stop(): Promise<void>;
}

/**
 * A signaling server that speaks the real protocol (src/core/protocol.ts) and claims the codes
 * it allocates itself, as a hostile operator (or anyone on a `ws://` path) could. `plan` says,
 * for the n-th allocation (from 0), what it does with that code.
 */
export async function startHostileSignaling(
  plan: (index: number) => Claim,
): Promise<HostileSignaling> {
  const allocations: Allocation[] = [];
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  wss.on('connection', (socket) => serve(socket, plan, allocations));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    allocations,
    answeredClaims: () => allocations.filter((a) => a.claim !== 'idle' && a.sharerShareAt),
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function serve(socket: WebSocket, plan: (index: number) => Claim, allocations: Allocation[]) {
  let allocation: Allocation | undefined;
  let handshake: Handshake | undefined;
  const send = (frame: ServerFrame) => socket.send(encodeFrame(frame));
  const relay = (kind: RelayKind, bytes: Uint8Array) =>
    send({ type: 'relay', body: encodeRelayBody(kind, bytes) });

  socket.on('close', () => {
    if (allocation) allocation.closedAt = Date.now();
  });
  socket.on('message', (data: RawData) => {
    const decoded = decodeClientFrame(rawText(data));
    if (!decoded.ok) {
      socket.close(4001, 'invalid frame');
      return;
    }
    const frame = decoded.frame;
    switch (frame.type) {
      case 'hello':
        send({ type: 'welcome', v: PROTOCOL_VERSION, maxFrameBytes: 65_536 });
        return;
      case 'allocate': {
        const index = allocations.length;
        allocation = { nameplate: String(index + 1), claim: plan(index) };
        allocations.push(allocation);
        send({ type: 'allocated', nameplate: allocation.nameplate });
        if (allocation.claim === 'idle') return;
        allocation.pairedAt = Date.now();
        send({ type: 'paired', iceServers: [] });
        if (allocation.claim === 'guess') {
          // A guess at the words: a real CPace run, so only key confirmation can tell.
          handshake = createHandshake({
            role: 'B',
            password: 'wrong-guess',
            context: allocation.nameplate,
            version: PROTOCOL_VERSION,
          });
          relay(RelayKind.Share, handshake.share);
        }
        return;
      }
      case 'relay': {
        const body = decodeRelayBody(frame.body);
        if (!allocation || !body.ok) return;
        if (body.kind === RelayKind.Share) {
          allocation.sharerShareAt = Date.now();
          if (handshake) relay(RelayKind.Confirm, handshake.receiveShare(body.bytes).confirmation);
        } else if (body.kind === RelayKind.Confirm) {
          allocation.sharerConfirmationAt = Date.now();
        }
        return;
      }
      case 'release':
        if (allocation) allocation.releaseMood = frame.mood;
        return;
      default:
        return;
    }
  });
}

function rawText(data: RawData): string {
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Uint8Array)).toString();
}
