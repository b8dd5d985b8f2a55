/**
 * Issue #13 item 8: the coturn deployment (deploy/coturn/, deploy/compose.yaml) must not start
 * a coturn that fails every allocation. No Docker engine here: the container's entrypoint runs
 * on this host as it would with host networking, with a `turnserver` of our own on PATH that
 * records how it was started.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const DEPLOY = fileURLToPath(new URL('../deploy/', import.meta.url));
const ENTRYPOINT = join(DEPLOY, 'coturn/entrypoint.sh');
const SECRET = 'deploy-test-secret-0123456789';
/** Documentation addresses (RFC 5737): never on this host. */
const NOT_HERE = '203.0.113.77';

const dir = mkdtempSync(join(tmpdir(), 'peerbeam-coturn-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'turnserver'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$TURNSERVER_ARGS"\n');
chmodSync(join(dir, 'turnserver'), 0o755);

let run = 0;

/** The entrypoint with `env`; what it printed, and the config turnserver was started with. */
function entrypoint(env: Record<string, string>) {
  run += 1;
  const config = join(dir, `turnserver-${run}.conf`);
  const args = join(dir, `args-${run}`);
  const result = spawnSync('sh', [ENTRYPOINT], {
    env: {
      PATH: `${dir}:${process.env.PATH ?? ''}`,
      PEERBEAM_COTURN_CONFIG: config,
      TURNSERVER_ARGS: args,
      TURN_SECRET: SECRET,
      TURN_REALM: 'turn.example.org',
      ...env,
    },
    encoding: 'utf8',
    timeout: 10_000,
  });
  const started = existsSync(args) ? readFileSync(args, 'utf8').trim().split('\n') : null;
  return {
    code: result.status,
    stderr: result.stderr,
    started,
    config: started && existsSync(config) ? readFileSync(config, 'utf8') : null,
  };
}

const linesOf = (config: string | null, key: string) =>
  (config ?? '').split('\n').filter((line) => line.startsWith(`${key}=`));

describe('the coturn container refuses a relay address this host does not have', () => {
  it('exits with a clear message, without starting turnserver, when TURN_EXTERNAL_IP is not on this host', () => {
    const result = entrypoint({ TURN_EXTERNAL_IP: NOT_HERE });
    expect(result.code).toBe(1);
    expect(result.started).toBeNull();
    expect(result.stderr).toContain(
      `${NOT_HERE} (TURN_EXTERNAL_IP) is not an address of this host`,
    );
    expect(result.stderr).toContain('508');
    expect(result.stderr).toContain('127.0.0.1'); // the addresses it does have
    // Says what to set behind 1:1 NAT.
    expect(result.stderr).toContain(`TURN_EXTERNAL_IP=${NOT_HERE}/PRIVATE`);
  });

  it('exits with a clear message when the PRIVATE part of PUBLIC/PRIVATE is not on this host', () => {
    const result = entrypoint({ TURN_EXTERNAL_IP: `203.0.113.10/${NOT_HERE}` });
    expect(result.code).toBe(1);
    expect(result.started).toBeNull();
    expect(result.stderr).toContain(`${NOT_HERE} (the PRIVATE part of TURN_EXTERNAL_IP`);
  });

  it('exits with a clear message when TURN_EXTERNAL_IP is unset, or TURN_RELAY_IP disagrees with it', () => {
    const unset = entrypoint({});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('set TURN_EXTERNAL_IP');
    const disagree = entrypoint({
      TURN_EXTERNAL_IP: '203.0.113.10/127.0.0.1',
      TURN_RELAY_IP: '::1',
    });
    expect(disagree.code).toBe(1);
    expect(disagree.stderr).toContain('disagrees');
    expect([unset.started, disagree.started]).toEqual([null, null]);
  });

  it('refuses a secret or realm that is missing, short, or would add lines to the config', () => {
    const wrong: Record<string, string>[] = [
      { TURN_SECRET: '' },
      { TURN_SECRET: 'short' },
      { TURN_SECRET: `${SECRET}\nrelay-ip=${NOT_HERE}` },
      { TURN_REALM: 'turn.example.org\nallow-loopback-peers' },
    ];
    for (const env of wrong) {
      const result = entrypoint({ TURN_EXTERNAL_IP: '127.0.0.1', ...env });
      expect(result.code, JSON.stringify(env)).toBe(1);
      expect(result.started).toBeNull();
      expect(result.stderr).toMatch(/TURN_(SECRET|REALM)/);
    }
  });
});

describe('the coturn container writes the addresses it was given', () => {
  it('behind 1:1 NAT (PUBLIC/PRIVATE), relays on PRIVATE and announces PUBLIC as external-ip', () => {
    const result = entrypoint({ TURN_EXTERNAL_IP: '203.0.113.10/127.0.0.1' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.started?.slice(0, 1)).toEqual(['-c']);
    expect(result.started).toContain('--log-file=stdout');
    expect(linesOf(result.config, 'relay-ip')).toEqual(['relay-ip=127.0.0.1']);
    expect(linesOf(result.config, 'external-ip')).toEqual(['external-ip=203.0.113.10/127.0.0.1']);
    expect(linesOf(result.config, 'static-auth-secret')).toEqual([`static-auth-secret=${SECRET}`]);
    expect(linesOf(result.config, 'realm')).toEqual(['realm=turn.example.org']);
    // The rest of the committed template comes along.
    expect(result.config).toContain('use-auth-secret');
    expect(result.config).toContain('denied-peer-ip=10.0.0.0-10.255.255.255');
  });

  it('TURN_RELAY_IP gives PRIVATE as well', () => {
    const result = entrypoint({ TURN_EXTERNAL_IP: '203.0.113.10', TURN_RELAY_IP: '127.0.0.1' });
    expect(result.code, result.stderr).toBe(0);
    expect(linesOf(result.config, 'relay-ip')).toEqual(['relay-ip=127.0.0.1']);
    expect(linesOf(result.config, 'external-ip')).toEqual(['external-ip=203.0.113.10/127.0.0.1']);
  });

  it.each(['127.0.0.1', '::1', '0:0:0:0:0:0:0:1'])(
    'an address on this host (%s) is the relay address, with no external-ip',
    (address) => {
      const result = entrypoint({ TURN_EXTERNAL_IP: address });
      expect(result.code, result.stderr).toBe(0);
      expect(linesOf(result.config, 'relay-ip')).toEqual([`relay-ip=${address}`]);
      expect(linesOf(result.config, 'external-ip')).toEqual([]);
    },
  );
});

describe('what ships', () => {
  it('the committed turnserver.conf names no relay address, external address, secret or realm', () => {
    const template = readFileSync(join(DEPLOY, 'coturn/turnserver.conf'), 'utf8');
    for (const key of ['relay-ip', 'external-ip', 'static-auth-secret', 'realm']) {
      expect(linesOf(template, key), key).toEqual([]);
    }
  });

  it('compose.yaml requires TURN_EXTERNAL_IP and starts coturn through the checking entrypoint', () => {
    const compose = readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8');
    expect(compose).toMatch(/^ {6}TURN_EXTERNAL_IP: \$\{TURN_EXTERNAL_IP:\?set TURN_EXTERNAL_IP /m);
    expect(compose).toContain("entrypoint: ['sh', '/etc/peerbeam-coturn/entrypoint.sh']");
    expect(compose).toContain('- ./coturn:/etc/peerbeam-coturn:ro');
    const example = readFileSync(join(DEPLOY, '.env.example'), 'utf8');
    expect(example).toMatch(/^TURN_EXTERNAL_IP=$/m);
  });
});
