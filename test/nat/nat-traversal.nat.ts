/**
 * Issue #7: NAT traversal, for real. Two Chromium instances with the test build of the
 * extension sit behind simulated NATs (topology.ts); coturn and the real signaling service run
 * on the simulated internet. Each case drives a session through the popups.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForDownloads } from '../harness/files.js';
import type { PeerbeamBrowser } from '../harness/browser.js';
import { natGate } from './gate.js';
import {
  STUN_ONLY_ENV,
  launchBrowserIn,
  newTurnSecret,
  startCoturn,
  startSignaling,
  stunAndTurnEnv,
  type Coturn,
  type Signaling,
} from './services.js';
import {
  EXPECTED_BEHAVIOUR,
  connectionFailedText,
  deliver,
  discoverNat,
  startSession,
  status,
  testMessage,
} from './session.js';
import {
  createTopology,
  listNamespaces,
  type NatMode,
  type Teardown,
  type Topology,
} from './topology.js';

const gate = natGate();
if (!gate.run) console.warn(`NAT traversal tests skipped: ${gate.reason}`);

/**
 * A peer connection gives up after 20 s (src/rtc/peer-connection.ts); the handshake before it
 * and the popup update take far less.
 */
const FAIL_BOUND_MS = 30_000;
const CONNECT_BOUND_MS = 15_000;

interface Row {
  nat: string;
  ice: string;
  result: string;
  pair: string;
  ms: number;
}
const rows: Row[] = [];
const teardowns: Teardown[] = [];

interface Environment {
  topology: Topology;
  coturn: Coturn;
  signaling: { stunOnly: Signaling; withTurn: Signaling };
}

/** A topology with coturn and two signaling services (STUN only, and STUN + TURN). */
function useEnvironment(nat: { a: NatMode; b: NatMode }): () => Environment {
  let environment: Environment | undefined;
  beforeAll(async () => {
    const topology = await createTopology(nat);
    try {
      const coturn = await startCoturn(topology, newTurnSecret());
      const [stunOnly, withTurn] = await Promise.all([
        startSignaling(topology, STUN_ONLY_ENV),
        startSignaling(topology, stunAndTurnEnv(coturn.secret)),
      ]);
      environment = { topology, coturn, signaling: { stunOnly, withTurn } };
    } catch (error) {
      teardowns.push(await topology.destroy());
      throw error;
    }
  });
  afterAll(async () => {
    if (!environment) return;
    const { topology, coturn, signaling } = environment;
    await Promise.allSettled([signaling.stunOnly.stop(), signaling.withTurn.stop(), coturn.stop()]);
    teardowns.push(await topology.destroy());
  });
  return () => {
    if (!environment) throw new Error('the NAT environment did not start');
    return environment;
  };
}

/** Alice behind NAT A and Bob behind NAT B, both using `signaling`; closed after `body`. */
async function withBrowsers(
  { topology }: Environment,
  signaling: Signaling,
  body: (alice: PeerbeamBrowser, bob: PeerbeamBrowser, bobDownloads: string) => Promise<void>,
): Promise<void> {
  const bobDownloads = await mkdtemp(join(tmpdir(), `${topology.name}-downloads-`));
  const launched = await Promise.allSettled([
    launchBrowserIn(topology, topology.ns.hostA, 'alice', signaling.url),
    launchBrowserIn(topology, topology.ns.hostB, 'bob', signaling.url, bobDownloads),
  ]);
  const browsers = launched.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  try {
    const [alice, bob] = launched.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    if (!alice || !bob) throw new Error('launch failed');
    await body(alice, bob, bobDownloads);
  } finally {
    await Promise.allSettled(browsers.map((browser) => browser.close()));
    await rm(bobDownloads, { recursive: true, force: true });
  }
}

const natLabel = (nat: { a: NatMode; b: NatMode }) => `${nat.a} × ${nat.b}`;

async function expectNatBehaviour({ topology }: Environment): Promise<void> {
  const [a, b] = await Promise.all([
    discoverNat(topology.ns.hostA),
    discoverNat(topology.ns.hostB),
  ]);
  expect(a).toEqual(EXPECTED_BEHAVIOUR[topology.nat.a]);
  expect(b).toEqual(EXPECTED_BEHAVIOUR[topology.nat.b]);
}

describe.skipIf(!gate.run)('symmetric × symmetric NAT', () => {
  const nat = { a: 'symmetric', b: 'symmetric' } as const;
  const env = useEnvironment(nat);

  it('the simulated routers are symmetric NATs (address- and port-dependent mapping and filtering)', async () => {
    await expectNatBehaviour(env());
  });

  it('with STUN only, the session fails within a bounded time and the user sees a clear message', async () => {
    await withBrowsers(env(), env().signaling.stunOnly, async (alice, bob) => {
      const { sender, receiver, startedAt } = await startSession(alice, bob);
      const codes = await Promise.all([
        sender.errorCode(FAIL_BOUND_MS + 5_000),
        receiver.errorCode(FAIL_BOUND_MS + 5_000),
      ]);
      const ms = performance.now() - startedAt;
      rows.push({
        nat: natLabel(nat),
        ice: 'STUN',
        result: `fails (A: ${codes[0]}, B: ${codes[1]})`,
        pair: '–',
        ms,
      });

      // No hang: both users are told, within the peer connection's bound, that it is over.
      expect(ms).toBeLessThan(FAIL_BOUND_MS);
      for (const popup of [sender, receiver]) {
        await popup.waitForStep('failed', 1_000);
        expect(await popup.page.locator('#session-error').isVisible()).toBe(true);
      }
      // The side whose ICE gives up first tells the other why (a sealed abort), so both
      // say that no path was found.
      expect(codes).toEqual(['CONNECTION_FAILED', 'CONNECTION_FAILED']);
      await expect(sender.errorText()).resolves.toBe(connectionFailedText());
      await expect(receiver.errorText()).resolves.toBe(connectionFailedText());
    });
  });

  it('with TURN, a session connects through a relay: getStats selects a relay candidate, messages and a file arrive intact', async () => {
    const { topology } = env();
    await withBrowsers(env(), env().signaling.withTurn, async (alice, bob, bobDownloads) => {
      const before = await topology.inetTraffic();
      const { sender, receiver, startedAt } = await startSession(alice, bob);
      await Promise.all([
        sender.waitForStep('open', CONNECT_BOUND_MS),
        receiver.waitForStep('open', CONNECT_BOUND_MS),
      ]);
      const ms = performance.now() - startedAt;
      const [a, b] = await Promise.all([status(sender), status(receiver)]);
      rows.push({
        nat: natLabel(nat),
        ice: 'STUN + TURN',
        result: 'connects',
        pair: `A: ${a.candidates}, B: ${b.candidates}`,
        ms,
      });

      // Symmetric NATs on both sides leave the relay as the only path: each side's selected
      // pair has a relay candidate (one side relays, the other sees the relay as its peer).
      expect(a.candidates).toMatch(/\brelay\b/);
      expect(b.candidates).toMatch(/\brelay\b/);
      expect(a.text).toContain('through a relay');
      expect(b.text).toContain('through a relay');

      const toAlice = testMessage('bob→alice');
      const toBob = testMessage('alice→bob');
      await expect(deliver(receiver, sender, toAlice)).resolves.toBe(toAlice);
      await expect(deliver(sender, receiver, toBob)).resolves.toBe(toBob);

      // The network agrees: the data went to coturn's relay ports.
      const after = await topology.inetTraffic();
      expect(after.relayed - before.relayed).toBeGreaterThan(0);

      // A file by code, through the relay: it arrives byte-identical.
      const file = randomBytes(8 * 1024 * 1024);
      const sendPage = await alice.context.newPage();
      await sendPage.goto(`chrome-extension://${alice.extensionId}/src/send/send.html`);
      await sendPage.setInputFiles('#pick-files', {
        name: 'relayed.bin',
        mimeType: 'application/octet-stream',
        buffer: file,
      });
      await sendPage.click('#send-by-code');
      const code = (await sendPage
        .locator('#session-code')
        .textContent({ timeout: 15_000 }))!.trim();
      await receiver.cancelRunningSession();
      await receiver.receive(code);
      await receiver.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 30_000 });
      await receiver.page.click('#accept');
      await receiver.page.locator('#transfer[data-state="complete"]').waitFor({ timeout: 60_000 });
      expect(await receiver.page.locator('#status').getAttribute('data-candidates')).toMatch(
        /\brelay\b/,
      );
      const [saved] = await waitForDownloads(bobDownloads, 1);
      expect(
        createHash('sha256')
          .update(await readFile(join(bobDownloads, saved!)))
          .digest('hex'),
      ).toBe(createHash('sha256').update(file).digest('hex'));
    });
  });
});

describe.skipIf(!gate.run)('cone × cone NAT', () => {
  const nat = { a: 'port-restricted', b: 'port-restricted' } as const;
  const env = useEnvironment(nat);

  it('the simulated routers are port-restricted cone NATs (endpoint-independent mapping)', async () => {
    await expectNatBehaviour(env());
  });

  it('with STUN only, a session connects directly (srflx on both sides)', async () => {
    const { topology } = env();
    await withBrowsers(env(), env().signaling.stunOnly, async (alice, bob) => {
      const before = await topology.inetTraffic();
      const { sender, receiver, startedAt } = await startSession(alice, bob);
      await Promise.all([
        sender.waitForStep('open', CONNECT_BOUND_MS),
        receiver.waitForStep('open', CONNECT_BOUND_MS),
      ]);
      const ms = performance.now() - startedAt;
      const [a, b] = await Promise.all([status(sender), status(receiver)]);
      rows.push({
        nat: natLabel(nat),
        ice: 'STUN',
        result: 'connects',
        pair: `A: ${a.candidates}, B: ${b.candidates}`,
        ms,
      });

      expect(a.candidates).toBe('srflx → srflx');
      expect(b.candidates).toBe('srflx → srflx');
      expect(a.text).toContain('direct');
      expect(b.text).toContain('direct');

      const toAlice = testMessage('bob→alice');
      const toBob = testMessage('alice→bob');
      await expect(deliver(receiver, sender, toAlice)).resolves.toBe(toAlice);
      await expect(deliver(sender, receiver, toBob)).resolves.toBe(toBob);

      // The network agrees: NAT to NAT across the "internet", nothing through a relay.
      const after = await topology.inetTraffic();
      expect(after.direct - before.direct).toBeGreaterThan(0);
      expect(after.relayed - before.relayed).toBe(0);
    });
  });
});

describe.skipIf(!gate.run)('cleanup', () => {
  it('the suite leaves no namespace or process behind', async () => {
    expect(teardowns.length).toBe(2);
    expect(teardowns.flatMap((t) => t.leftoverProcesses)).toEqual([]);
    await expect(listNamespaces()).resolves.toEqual([]);
  });
});

afterAll(() => {
  if (rows.length === 0) return;
  const table = [
    '| NAT A × B | ICE servers | result | selected pair | time to connect/fail |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.nat} | ${r.ice} | ${r.result} | ${r.pair} | ${(r.ms / 1000).toFixed(2)} s |`,
    ),
  ];
  console.log(`\nNAT traversal results\n${table.join('\n')}\n`);
});
