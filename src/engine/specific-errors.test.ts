import { describe, expect, it } from 'vitest';
import { PeerbeamError } from '../core/errors.js';
import { FakePlatform } from '../../test/fakes/platform.js';
import { Engine } from './engine.js';

const engine = () =>
  new Engine(new FakePlatform(), { identity: async () => ({ publicKey: 'test-key' }) });

async function refusedWith(ask: () => unknown): Promise<string | undefined> {
  try {
    await ask();
  } catch (error) {
    return error instanceof PeerbeamError ? error.code : String(error);
  }
  return undefined;
}

describe('the engine refuses with a specific code, not BAD_REQUEST', () => {
  it('a device that is not paired → NO_SUCH_DEVICE (connect, unpair, send files)', async () => {
    const host = engine();
    expect(await refusedWith(() => host.connectDevice({ id: 'gone' }))).toBe('NO_SUCH_DEVICE');
    expect(await refusedWith(() => host.unpairDevice({ id: 'gone' }))).toBe('NO_SUCH_DEVICE');
    expect(await refusedWith(() => host.startSendFiles({ files: [], deviceId: 'gone' }))).toBe(
      'NO_SUCH_DEVICE',
    );
  });
});
