import { describe, expect, it } from 'vitest';
import { decodePeerSignal } from '../core/peer-signal.js';
import { dataWire, tabWire } from './peer-connection.js';

const description = { type: 'offer' as const, sdp: 'v=0\r\n' };
const candidate = { candidate: 'candidate:1 1 udp 1 192.0.2.1 5000 typ host', sdpMid: '0' };

describe('one wrapper, the wire format unchanged (PROTOCOL.md)', () => {
  it("a session's data connection writes description / candidate tagged with its generation", () => {
    const wire = dataWire(3);
    expect(wire.description(description)).toEqual({ t: 'description', gen: 3, description });
    expect(wire.candidate(candidate)).toEqual({ t: 'candidate', gen: 3, candidate });
    // What the peer decodes: the session id is the session's to add (its default is '').
    expect(decodePeerSignal(wire.candidate(candidate))).toEqual({
      t: 'candidate',
      gen: 3,
      sid: '',
      candidate,
    });
  });

  it("a tab share's media connection writes tab-description / tab-candidate, with no generation", () => {
    expect(tabWire.description(description)).toEqual({ t: 'tab-description', description });
    expect(tabWire.candidate(candidate)).toEqual({ t: 'tab-candidate', candidate });
    expect(decodePeerSignal(tabWire.description(description))).toEqual({
      t: 'tab-description',
      description,
    });
  });
});
