/**
 * Issue #7: TURN credentials minted by the signaling service (signaling/turn.ts) are accepted by
 * coturn, and expired or forged ones are refused. coturn's own client, turnutils_uclient, asks
 * for an allocation from behind a NAT in the simulated internet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintTurnCredentials, type TurnCredentials } from '../../signaling/turn.js';
import { natGate } from './gate.js';
import { newTurnSecret, startCoturn, type Coturn } from './services.js';
import {
  INET_IP,
  createTopology,
  listNamespaces,
  type Teardown,
  type Topology,
} from './topology.js';

const gate = natGate();
if (!gate.run) console.warn(`TURN credential tests skipped: ${gate.reason}`);

const TTL_SECONDS = 600;
const HOUR_MS = 3_600_000;

let topology: Topology | undefined;
let coturn: Coturn | undefined;
let teardown: Teardown | undefined;

function secret(): string {
  if (!coturn) throw new Error('coturn did not start');
  return coturn.secret;
}

interface Allocation {
  granted: boolean;
  output: string;
}

/** One allocation attempt with turnutils_uclient from host A; nothing is sent through it. */
async function allocate({
  username,
  credential,
}: Pick<TurnCredentials, 'username' | 'credential'>): Promise<Allocation> {
  if (!topology) throw new Error('the topology did not start');
  const result = await topology.exec(
    topology.ns.hostA,
    'turnutils_uclient',
    // -n 0: no data; -c: one allocation (no RTCP pair); -e: a peer inside the topology.
    ['-v', '-n', '0', '-c', '-e', '198.51.100.2', '-u', username, '-w', credential, INET_IP],
    { timeoutMs: 20_000 },
  );
  const output = result.stdout + result.stderr;
  return {
    granted: result.code === 0 && output.includes(`Received relay addr: ${INET_IP}:`),
    output,
  };
}

/** Asserts coturn itself refused `username` (not that the packets were lost). */
async function expectRefused(credentials: Pick<TurnCredentials, 'username' | 'credential'>) {
  const attempt = await allocate(credentials);
  expect(attempt.granted, attempt.output).toBe(false);
  expect(attempt.output).toContain('Cannot complete Allocation');
  const log = (await coturn?.log()) ?? '';
  expect(log).toContain(
    `check_stun_auth: Cannot find credentials of user <${credentials.username}>`,
  );
}

describe.skipIf(!gate.run)('TURN credentials against coturn', () => {
  beforeAll(async () => {
    topology = await createTopology({ a: 'port-restricted', b: 'port-restricted' });
    coturn = await startCoturn(topology, newTurnSecret());
  });

  afterAll(async () => {
    await coturn?.stop();
    teardown = await topology?.destroy();
  });

  it('credentials minted by the signaling service get an allocation', async () => {
    const good = mintTurnCredentials(secret(), TTL_SECONDS, Date.now(), 'nat-good');
    const attempt = await allocate(good);
    expect(attempt.granted, attempt.output).toBe(true);
    expect(await coturn?.log()).not.toContain(`<${good.username}>`);
  });

  it('expired credentials (expiry in the past) are refused', async () => {
    // Minted an hour ago with a ten-minute lifetime.
    const expired = mintTurnCredentials(secret(), TTL_SECONDS, Date.now() - HOUR_MS, 'nat-expired');
    expect(expired.expiresAt * 1000).toBeLessThan(Date.now());
    await expectRefused(expired);
  });

  it('forged credentials signed with the wrong secret are refused', async () => {
    const forged = mintTurnCredentials(newTurnSecret(), TTL_SECONDS, Date.now(), 'nat-forged');
    await expectRefused(forged);
  });

  it('forged credentials with a tampered username (a later expiry) are refused', async () => {
    const good = mintTurnCredentials(secret(), TTL_SECONDS, Date.now(), 'nat-tampered');
    const [expiry, id] = good.username.split(':');
    const tampered = {
      username: `${Number(expiry) + 7 * 86_400}:${id}`,
      credential: good.credential,
    };
    await expectRefused(tampered);
  });
});

describe.skipIf(!gate.run)('cleanup', () => {
  it('the suite leaves no namespace or process behind', async () => {
    expect(teardown?.leftoverProcesses).toEqual([]);
    await expect(listNamespaces()).resolves.toEqual([]);
  });
});
