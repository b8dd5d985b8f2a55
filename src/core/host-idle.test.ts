import { describe, expect, it } from 'vitest';
import { decideHost, type HostWork } from './host-idle.js';

const idle: HostWork = { holds: [], pairedDevices: 0, queuedLinks: 0 };

describe('decideHost: the host exists only when needed', () => {
  it.each<[string, HostWork, 'keep' | 'close']>([
    ['nothing to do', idle, 'close'],
    ['a session runs', { ...idle, holds: ['session'] }, 'keep'],
    ['a tab share is live', { ...idle, holds: ['tab share'] }, 'keep'],
    ['a received file is still being saved', { ...idle, holds: ['download'] }, 'keep'],
    ['a paired device needs its line', { ...idle, pairedDevices: 1 }, 'keep'],
    ['a link is queued for a device', { ...idle, queuedLinks: 2 }, 'keep'],
    [
      'everything at once',
      { holds: ['session', 'tab share'], pairedDevices: 3, queuedLinks: 1 },
      'keep',
    ],
  ])('%s → %s', (_name, work, action) => {
    expect(decideHost(work).action).toBe(action);
  });

  it('says which work keeps the host', () => {
    expect(decideHost({ ...idle, holds: ['tab share'] })).toEqual({
      action: 'keep',
      because: 'tab share',
    });
    expect(decideHost({ ...idle, pairedDevices: 1 })).toEqual({
      action: 'keep',
      because: 'paired device',
    });
  });
});
