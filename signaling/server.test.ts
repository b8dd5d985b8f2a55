/**
 * One in-memory server: the shared session suite (both sides on this process), the handshake,
 * and the HTTP endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../src/core/protocol.js';
import { createCaptureLogger } from './log.js';
import type { ListeningAddress, SignalingServer } from './server.js';
import { sessionConfig, sessionSuite } from '../test/signaling/session.contract.js';
import {
  TestClient,
  addressSequence,
  httpGet,
  metricSample as sample,
  pairByNameplate,
  startServer,
  testConfig,
} from '../test/signaling/test-support.js';

const logger = createCaptureLogger();
const nextAddress = addressSequence();
let server: SignalingServer;
let address: ListeningAddress;

beforeAll(async () => {
  ({ server, address } = await startServer(testConfig(sessionConfig), logger));
});
afterAll(() => server.close());

sessionSuite('one in-memory process', () => ({
  first: address.wsUrl,
  second: address.wsUrl,
  logs: logger.output,
}));

describe('handshake and HTTP', () => {
  it('answers hello with welcome carrying the version and frame limit', async () => {
    const client = await TestClient.open(address.wsUrl, nextAddress());
    client.send({ type: 'hello', v: PROTOCOL_VERSION });
    expect(await client.expect('welcome')).toEqual({
      type: 'welcome',
      v: PROTOCOL_VERSION,
      maxFrameBytes: 65_536,
    });
    client.close();
  });

  it('answers frames sent before hello with HELLO_REQUIRED, and hello still works after', async () => {
    const client = await TestClient.open(address.wsUrl, nextAddress());
    client.send({ type: 'allocate' });
    await client.expectError('HELLO_REQUIRED');
    client.send({ type: 'hello', v: PROTOCOL_VERSION });
    await client.expect('welcome');
    client.send({ type: 'allocate' });
    await client.expect('allocated');
    client.close();
  });

  it('reports health as JSON with counts on GET /healthz', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.send({ type: 'allocate' });
    await client.expect('allocated');
    const { status, body } = await httpGet(address.url + '/healthz');
    expect(status).toBe(200);
    const health = JSON.parse(body) as Record<string, unknown>;
    expect(health.ok).toBe(true);
    expect(health.connections).toBeGreaterThanOrEqual(1);
    expect(health.waiting).toBeGreaterThanOrEqual(1);
    expect(typeof health.mailboxes).toBe('number');
    client.close();
  });

  it('serves Prometheus metrics on GET /metrics: connections, mailboxes, relays, latency, rejections', async () => {
    const before = (await httpGet(address.url + '/metrics')).body;
    const relayed = sample(before, 'peerbeam_signaling_frames_relayed_total') ?? NaN;
    const ip = nextAddress();
    const { a, b } = await pairByNameplate(address.wsUrl, ip);
    for (let i = 0; i < 3; i++) {
      a.send({ type: 'relay', body: `m${i}` });
      await b.expect('relay');
    }
    const early = await TestClient.open(address.wsUrl, ip);
    early.send({ type: 'allocate' });
    await early.expectError('HELLO_REQUIRED');

    const { status, body, type } = await httpGet(address.url + '/metrics');
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(body, 'peerbeam_signaling_connections')).toBeGreaterThanOrEqual(3);
    expect(sample(body, 'peerbeam_signaling_mailboxes{state="paired"}')).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'peerbeam_signaling_frames_relayed_total')).toBe(relayed + 3);
    expect(sample(body, 'peerbeam_signaling_relay_latency_seconds_count')).toBeGreaterThanOrEqual(
      3,
    );
    expect(
      sample(body, 'peerbeam_signaling_relay_latency_seconds_bucket{le="0.01"}'),
    ).toBeGreaterThanOrEqual(3);
    expect(
      sample(body, 'peerbeam_signaling_rejections_total{reason="hello_required"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'peerbeam_signaling_rejections_total{reason="slow_consumer"}')).toBe(0);
    expect(sample(body, 'peerbeam_signaling_pairings_total')).toBeGreaterThanOrEqual(1);
    // Process metrics are main.ts's choice; a test server leaves them out.
    expect(body).not.toContain('process_resident_memory_bytes');
    for (const client of [a, b, early]) client.close();
  });

  it('answers 404 to other paths, over HTTP and for WebSocket upgrades', async () => {
    // `/` is the web peer (web-viewer.test.ts); anything unknown is not found.
    expect((await httpGet(address.url + '/elsewhere')).status).toBe(404);
    await expect(TestClient.open(address.url.replace('http', 'ws') + '/elsewhere')).rejects.toThrow(
      /404/,
    );
  });
});
