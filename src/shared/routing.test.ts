import { describe, expect, it } from 'vitest';
import { route } from './routing.js';

const methods = new Set(['startSend', 'getSession']);

describe('messages are answered only by the context they are addressed to', () => {
  it.each([
    [
      'own method',
      { peerbeam: 1, target: 'offscreen', method: 'startSend', params: [] },
      'respond',
    ],
    ['unknown method', { peerbeam: 1, target: 'offscreen', method: 'nope', params: [] }, 'reject'],
    [
      'other target',
      { peerbeam: 1, target: 'background', method: 'startSend', params: [] },
      'ignore',
    ],
    ['unknown target', { peerbeam: 1, target: 'tab', method: 'startSend', params: [] }, 'ignore'],
    ['foreign message', { type: 'something-else' }, 'ignore'],
    ['missing params', { peerbeam: 1, target: 'offscreen', method: 'startSend' }, 'ignore'],
    ['not an object', 'startSend', 'ignore'],
    ['null', null, 'ignore'],
  ] as const)('%s → %s', (_name, message, expected) => {
    expect(route(message, 'offscreen', methods)).toBe(expected);
  });
});
