/**
 * Entry point: `npm run signaling`. Configured by environment variables (see config.ts, or the
 * table in the README). With REDIS_URL, state lives in Redis and any number of these processes
 * can serve behind a load balancer. SIGTERM/SIGINT close gracefully (stop accepting, close
 * every client with 4008 "reconnect", wait for their mailboxes to be released); a second
 * signal exits at once.
 */
import { createBackend } from './backend.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createSignalingServer } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  // Logs go through process.stdout, not pino's own fd writer: once the reader of stdout is gone
  // (a crashed parent, a closed terminal) that writer's exit flush retries EPIPE forever, and
  // SIGTERM never ends the process. Here the lines are dropped and the service goes on.
  process.stdout.on('error', () => undefined);
  const logger = createLogger(config.logLevel, process.stdout);
  const backend = await createBackend(config, logger);
  const server = createSignalingServer(config, logger, { ...backend, processMetrics: true });
  const { url } = await server.listen();
  logger.info('listening', { port: new URL(url).port, shared: config.redisUrl !== null });
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
      : `peerbeam signaling failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
