import { describe, expect, it } from 'vitest';
import { decideConnect, decideLink } from './device-consent.js';

describe('what a paired device may start on this device', () => {
  const idle = { kind: 'chat', deviceId: 'alice', withinRate: true, running: undefined } as const;

  it('accepts a chat or files connect when no session runs', () => {
    expect(decideConnect(idle)).toEqual({ action: 'accept' });
    expect(decideConnect({ ...idle, kind: 'files' })).toEqual({ action: 'accept' });
  });

  it('refuses a connect for a tab: the app never sends one, so no tab opens by itself', () => {
    expect(decideConnect({ ...idle, kind: 'tab' })).toEqual({
      action: 'refuse',
      reason: 'REFUSED',
    });
  });

  it('an incoming connect never ends a running session with someone else: busy', () => {
    expect(decideConnect({ ...idle, kind: 'files', running: { pairedWith: undefined } })).toEqual({
      action: 'refuse',
      reason: 'BUSY',
    });
    expect(decideConnect({ ...idle, running: { pairedWith: 'bob' } })).toEqual({
      action: 'refuse',
      reason: 'BUSY',
    });
  });

  it('the device that runs the session over its own link may start the next one', () => {
    // Its side of the old session already ended when it asked for a new one.
    expect(decideConnect({ ...idle, running: { pairedWith: 'alice' } })).toEqual({
      action: 'accept',
    });
  });

  it('over its rate a device is refused, whatever else holds', () => {
    expect(decideConnect({ ...idle, withinRate: false })).toEqual({
      action: 'refuse',
      reason: 'RATE_LIMITED',
    });
    expect(decideConnect({ ...idle, kind: 'tab', withinRate: false })).toEqual({
      action: 'refuse',
      reason: 'RATE_LIMITED',
    });
  });

  it('a link within the rate is shown; a link over it is refused with a reason', () => {
    expect(decideLink({ withinRate: true })).toEqual({ action: 'accept' });
    expect(decideLink({ withinRate: false })).toEqual({
      action: 'refuse',
      reason: 'RATE_LIMITED',
    });
  });
});
