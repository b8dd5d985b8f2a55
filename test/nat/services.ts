/**
 * What runs inside the simulated internet: coturn and the real signaling service in `inet`,
 * and one Chromium (with the test build of the extension) in each host namespace.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { launchBrowser, type PeerbeamBrowser } from '../harness/browser.js';
import { CHROMIUM, ROOT } from '../harness/paths.js';
import { sleep, stopChild } from './process.js';
import { INET_ALT_IP, INET_IP, RELAY_PORTS, type Topology } from './topology.js';

interface CoturnScripts {
  renderCoturnConfig(options: {
    dir: string;
    secret: string;
    listeningIps: string[];
    relayIp: string;
    minPort?: number;
    maxPort?: number;
  }): string;
}

// scripts/coturn.mjs ships no type declarations; this is the one function used from it.
const coturnScripts = (await import(
  new URL('../../scripts/coturn.mjs', import.meta.url).href
)) as CoturnScripts;

export const STUN_URL = `stun:${INET_IP}:3478`;
export const TURN_URL = `turn:${INET_IP}:3478?transport=udp`;

/** A fresh TURN REST API secret (coturn's static-auth-secret; at least 16 characters). */
export const newTurnSecret = () => `nat-test-${randomBytes(12).toString('hex')}`;

export interface Coturn {
  readonly secret: string;
  readonly logFile: string;
  log(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * coturn from the shipped deploy/coturn/turnserver.conf, listening on inet's two addresses (the
 * second one answers RFC 5780 NAT discovery) and relaying on 203.0.113.1. The shipped config
 * denies private peers; that is fine here, as peers are seen at their NAT's public address.
 */
export async function startCoturn(topology: Topology, secret: string): Promise<Coturn> {
  const dir = await mkdtemp(join(tmpdir(), `${topology.name}-coturn-`));
  const config = coturnScripts.renderCoturnConfig({
    dir,
    secret,
    listeningIps: [INET_IP, INET_ALT_IP],
    relayIp: INET_IP,
    minPort: RELAY_PORTS.min,
    maxPort: RELAY_PORTS.max,
  });
  const logFile = join(dir, 'turnserver.log');
  const child = topology.spawn(topology.ns.inet, 'turnserver', ['-c', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const log = () => readFile(logFile, 'utf8').catch(() => '');
  // "Total General servers" is logged once the listeners and relay threads are up (~0.15 s).
  for (let attempt = 0; ; attempt++) {
    if ((await log()).includes('Total General servers')) break;
    if (child.exitCode !== null || attempt >= 100) {
      await stopChild(child);
      throw new Error(`coturn did not start:\n${await log()}\n${stderr.join('')}`);
    }
    await sleep(50);
  }
  return {
    secret,
    logFile,
    log,
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Signaling {
  /** The WebSocket URL the extension is given. */
  readonly url: string;
  stop(): Promise<void>;
}

/** The real signaling service (signaling/main.ts) on 203.0.113.1, configured by `env`. */
export async function startSignaling(
  topology: Topology,
  env: Record<string, string>,
): Promise<Signaling> {
  const child: ChildProcess = topology.spawn(
    topology.ns.inet,
    process.execPath,
    ['--import', 'tsx', 'signaling/main.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, HOST: INET_IP, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  try {
    const httpUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out after 15 s')), 15_000);
      lines.on('line', (line) => {
        output.push(line);
        const match = /listening on (http:\/\/[^\s]+)/.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code}`));
      });
    });
    return {
      url: `${httpUrl.replace(/^http/, 'ws')}/ws`,
      stop: () => stopChild(child, 5_000),
    };
  } catch (error) {
    await stopChild(child);
    throw new Error(
      `signaling did not start in ${topology.ns.inet}: ${String(error)}\n${output.join('\n')}`,
    );
  }
}

/** ICE_SERVERS for the signaling service: coturn's STUN only. */
export const STUN_ONLY_ENV = { ICE_SERVERS: JSON.stringify([{ urls: [STUN_URL] }]) };

/** STUN plus TURN with credentials the signaling service mints from `secret`. */
export const stunAndTurnEnv = (secret: string) => ({
  ...STUN_ONLY_ENV,
  TURN_URLS: TURN_URL,
  TURN_SECRET: secret,
});

/**
 * Chromium inside `ns` with the test build of the extension. Playwright drives it over its
 * pipe, so the namespace needs no link to the root namespace.
 */
export async function launchBrowserIn(
  topology: Topology,
  ns: string,
  name: string,
  signalingUrl: string,
  downloadsDir?: string,
): Promise<PeerbeamBrowser> {
  const dir = await mkdtemp(join(tmpdir(), `${topology.name}-${name}-`));
  const wrapper = join(dir, 'chromium');
  await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec '${ns}' '${CHROMIUM}' "$@"\n`);
  await chmod(wrapper, 0o755);
  try {
    const browser = await launchBrowser({
      // Names the profile directory after the run, so the runner can sweep it after a crash.
      name: `${topology.name}-${name}`,
      executablePath: wrapper,
      loopbackCandidates: false,
      ...(downloadsDir ? { downloadsDir } : {}),
      // Without this, Chromium sends DNS queries for Google hosts through the simulated NATs.
      extraArgs: [`--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${INET_IP}`],
    });
    try {
      await browser.setSignalingUrl(signalingUrl);
    } catch (error) {
      await browser.close();
      throw error;
    }
    return browser;
  } finally {
    // Chromium starts its helpers from its own binary; the wrapper is needed only at launch.
    await rm(dir, { recursive: true, force: true });
  }
}
