/**
 * Entry point: `npm run signaling`. Configured by environment variables (see config.ts, or the
 * table in the README). SIGTERM/SIGINT close gracefully; a second signal exits at once.
 */
import { ConfigError, loadConfig } from './config.js';
import { createJsonLogger } from './log.js';
import { createSignalingServer } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const server = createSignalingServer(config, createJsonLogger());
  const { url } = await server.listen();
  console.log(`peerbeam signaling listening on ${url}`);

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('peerbeam signaling: shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `peerbeam signaling failed to start: ${String(error)}`,
  );
  process.exit(1);
});
