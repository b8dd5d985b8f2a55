// `npm start`: builds the extension into dist/, starts the signaling service on 127.0.0.1 and,
// when coturn is installed, a local coturn with a fresh secret shared with signaling, relaying
// on TURN_RELAY_IP (default 127.0.0.1). Ctrl-C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { hasCoturn, renderCoturnConfig, startCoturn } from './coturn.mjs';

const children = [];
const stopAll = (code = 0) => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
};
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

/** IPv6 in one spelling (`0:0::1` and `::1` are one address). */
const canonical = (ip) => (isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip);

// coturn relaying on an address this host does not have starts cleanly, then answers every
// allocation with 508: refuse before building anything.
const relaySetting = process.env.TURN_RELAY_IP?.trim() || '127.0.0.1';
const relayIp = isIP(relaySetting) === 0 ? relaySetting : canonical(relaySetting);
const hostAddresses = Object.values(networkInterfaces())
  .flat()
  .map((info) => canonical(info.address));
if (isIP(relayIp) === 0 || !hostAddresses.includes(relayIp)) {
  console.error(
    `npm start: TURN_RELAY_IP=${relaySetting} is not an address of this host, so coturn could not ` +
      `relay on it (every allocation would fail with 508). This host has: ` +
      `${hostAddresses.join(', ') || 'none'}. Unset TURN_RELAY_IP to relay on 127.0.0.1.`,
  );
  process.exit(1);
}

if (process.env.PEERBEAM_SKIP_BUILD !== '1') {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const host = process.env.HOST ?? '127.0.0.1';
const env = { ...process.env, HOST: host, PORT: process.env.PORT ?? '8787' };

if (hasCoturn() && process.env.PEERBEAM_NO_COTURN !== '1') {
  const secret = randomBytes(24).toString('base64url');
  const turnPort = Number(process.env.TURN_PORT ?? 3478);
  const config = renderCoturnConfig({
    dir: resolve('.tmp/coturn'),
    secret,
    listeningIps: [...new Set(['127.0.0.1', relayIp])],
    relayIp,
    port: turnPort,
    allowLoopbackPeers: true,
  });
  const turnHost = relayIp.includes(':') ? `[${relayIp}]` : relayIp;
  const coturn = startCoturn(config);
  children.push(coturn);
  coturn.on('exit', (code) => {
    if (code) console.error(`coturn exited with ${code}; see .tmp/coturn/turnserver.log`);
  });
  env.TURN_SECRET = secret;
  env.TURN_URLS = `turn:${turnHost}:${turnPort}?transport=udp,turn:${turnHost}:${turnPort}?transport=tcp`;
  env.ICE_SERVERS ??= JSON.stringify([{ urls: [`stun:${turnHost}:${turnPort}`] }]);
  console.log(`coturn: STUN/TURN on ${turnHost}:${turnPort} (config .tmp/coturn/turnserver.conf)`);
} else {
  console.log('coturn: not installed (apt-get install coturn); sessions use direct paths only');
}

const signaling = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
  env,
  stdio: 'inherit',
});
children.push(signaling);
signaling.on('exit', (code) => stopAll(code ?? 0));

console.log(`
Load the extension: chrome://extensions → Developer mode → Load unpacked → ${resolve('dist')}
In Firefox: about:debugging → This Firefox → Load Temporary Add-on → ${resolve('dist-firefox/manifest.json')}
The extension connects to ws://${host}:${env.PORT}/ws by default (Settings in the popup).
No install: open http://${host}:${env.PORT}/ in any browser to send and receive by code.
Press Ctrl-C to stop.`);
