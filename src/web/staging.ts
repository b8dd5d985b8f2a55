/**
 * Where this browser keeps received files until they are verified and downloaded: on disk (the
 * Origin Private File System, written by the engine's worker) or, where it has none, in memory
 * (memory-scratch.ts), for small files only. Older Safari and Firefox have no OPFS; Firefox's
 * private windows have the function but refuse it, so it is asked once rather than assumed.
 * No imports: the page's words (i18n.ts) read it without pulling in the engine.
 */
export type Staging = 'disk' | 'memory';

let asked: Promise<Staging> | undefined;
let answer: Staging | undefined;

export function staging(): Promise<Staging> {
  asked ??= (
    typeof navigator.storage?.getDirectory === 'function' && typeof Worker === 'function'
      ? navigator.storage.getDirectory().then(
          () => 'disk' as const,
          () => 'memory' as const,
        )
      : Promise.resolve('memory' as const)
  ).then((staged) => (answer = staged));
  return asked;
}

/** Whether files are known to wait in memory (the answer came: every room check asks first). */
export const stagesInMemory = (): boolean => answer === 'memory';
