/**
 * Spawn arguments for a service a test starts that must die with the test process: through
 * util-linux `setpriv --pdeathsig`, the kernel kills it when its parent dies, so a
 * test process that crashes (or is killed by a timeout) leaves no service running.
 */
export function tethered(command: string, args: readonly string[]): [string, string[]] {
  return ['setpriv', ['--pdeathsig', 'KILL', command, ...args]];
}
