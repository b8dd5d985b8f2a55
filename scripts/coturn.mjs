// Writes a coturn configuration for local use and starts turnserver in the foreground as a
// child process. Shared by `npm start` and the tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function hasCoturn() {
  return spawnSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' }).status === 0;
}

/**
 * Renders deploy/coturn/turnserver.conf (the deployment config) with local addresses.
 * `allowLoopbackPeers` is only for a single-machine setup where both browsers are on 127.0.0.1.
 */
export function renderCoturnConfig({
  dir,
  secret,
  listeningIps,
  relayIp,
  port = 3478,
  minPort = 49160,
  maxPort = 49260,
  realm = 'peerbeam.local',
  allowLoopbackPeers = false,
}) {
  const template = readFileSync(
    new URL('../deploy/coturn/turnserver.conf', import.meta.url),
    'utf8',
  );
  const deploymentOnly =
    /^(listening-ip|relay-ip|external-ip|static-auth-secret|realm|listening-port|min-port|max-port|log-file|pidfile|userdb|cert|pkey|tls-listening-port)=.*$/;
  const loopbackDenials = /^(denied-peer-ip=127\.0\.0\.0-.*|denied-peer-ip=::1)$/;
  const lines = template
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => !deploymentOnly.test(line))
    .filter((line) => !(allowLoopbackPeers && loopbackDenials.test(line)));
  lines.push(
    ...listeningIps.map((ip) => `listening-ip=${ip}`),
    `relay-ip=${relayIp}`,
    `listening-port=${port}`,
    `min-port=${minPort}`,
    `max-port=${maxPort}`,
    `realm=${realm}`,
    `static-auth-secret=${secret}`,
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `log-file=${join(dir, 'turnserver.log')}`,
    'no-tls',
    'no-dtls',
    'simple-log',
  );
  if (allowLoopbackPeers) lines.push('allow-loopback-peers');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'turnserver.conf');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export function startCoturn(configFile, { wrap = [] } = {}) {
  const [command, ...args] = [...wrap, 'turnserver', '-c', configFile];
  return spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
