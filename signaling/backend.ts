/**
 * Where the shared state lives: mailboxes (with nameplates and their quarantine) and the
 * per-address limits (allocations, claims, joins, TURN credentials for joined mailboxes). In
 * memory by default; with REDIS_URL, in Redis, so that several processes behind a load
 * balancer act as one service. The Redis code (and the
 * ioredis package) is imported only when REDIS_URL is set.
 */
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { createInMemoryMailboxStore, type MailboxStore } from './mailboxes.js';
import { KeyedRateLimit, KeyedTokenBuckets, type Clock, type RateLimiter } from './rate-limit.js';

export interface Backend {
  readonly store: MailboxStore;
  readonly allocations: RateLimiter;
  readonly claims: RateLimiter;
  readonly joins: RateLimiter;
  /** TURN credentials minted for paired-device (joined) sessions. */
  readonly turnGrants: RateLimiter;
}

type BackendConfig = Pick<
  Config,
  | 'mailboxTtlMs'
  | 'nameplateQuarantineMs'
  | 'allocationsPerMinute'
  | 'claimsPerMinute'
  | 'joinsPerMinute'
  | 'turnGrantsPerHour'
  | 'redisUrl'
  | 'redisKeyPrefix'
  | 'redisProcessTimeoutMs'
>;

export function createInMemoryBackend(config: BackendConfig, now: Clock = Date.now): Backend {
  return {
    store: createInMemoryMailboxStore({
      mailboxTtlMs: config.mailboxTtlMs,
      nameplateQuarantineMs: config.nameplateQuarantineMs,
      now,
    }),
    allocations: new KeyedRateLimit(config.allocationsPerMinute, now),
    claims: new KeyedRateLimit(config.claimsPerMinute, now),
    joins: new KeyedRateLimit(config.joinsPerMinute, now),
    turnGrants: new KeyedTokenBuckets(
      config.turnGrantsPerHour,
      config.turnGrantsPerHour / 3600,
      now,
    ),
  };
}

/** Connects to Redis first when configured; rejects if it cannot be reached. */
export async function createBackend(
  config: BackendConfig,
  logger: Logger,
  now: Clock = Date.now,
): Promise<Backend> {
  if (config.redisUrl === null) return createInMemoryBackend(config, now);
  const { createRedisBackend } = await import('./redis-store.js');
  return createRedisBackend({
    url: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    mailboxTtlMs: config.mailboxTtlMs,
    nameplateQuarantineMs: config.nameplateQuarantineMs,
    allocationsPerMinute: config.allocationsPerMinute,
    claimsPerMinute: config.claimsPerMinute,
    joinsPerMinute: config.joinsPerMinute,
    turnGrantsPerHour: config.turnGrantsPerHour,
    processTimeoutMs: config.redisProcessTimeoutMs,
    now,
    logger,
  });
}
