import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBackend } from './backend.js';
import { silentLogger } from './log.js';
import { freePort } from '../test/signaling/redis-test-server.js';
import { testConfig } from '../test/signaling/test-support.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Every module `entry` imports statically (`import … from`, `export … from`), transitively. */
function staticImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gm)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.'))
        visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier.split('/')[0] ?? specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('createBackend', () => {
  it('loads no Redis code unless REDIS_URL is set: redis-store.ts is only imported dynamically', () => {
    const { files, packages } = staticImports(join(HERE, 'main.ts'));
    expect(files).toContain(join(HERE, 'backend.ts'));
    expect(files).toContain(join(HERE, 'server.ts'));
    expect(files).not.toContain(join(HERE, 'redis-store.ts'));
    expect(packages).not.toContain('ioredis');
    expect(readFileSync(join(HERE, 'backend.ts'), 'utf8')).toMatch(
      /await import\('\.\/redis-store\.js'\)/,
    );
  });

  it('keeps state in memory without REDIS_URL', async () => {
    const backend = await createBackend(testConfig(), silentLogger);
    await backend.store.connect('a', () => {});
    expect(await backend.store.allocate('a')).toMatchObject({ ok: true });
    expect(await backend.allocations.take('192.0.2.1')).toBe(true);
    await backend.store.close();
  });

  it('fails to start when Redis cannot be reached, without quoting REDIS_URL', async () => {
    const port = await freePort();
    const config = testConfig({ redisUrl: `redis://:hunter2@127.0.0.1:${port}` });
    const failure = await createBackend(config, silentLogger).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^cannot use Redis at REDIS_URL: /);
    expect((failure as Error).message).not.toContain('hunter2');
    expect((failure as Error).message).not.toContain(String(port));
  });
});
