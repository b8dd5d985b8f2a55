/**
 * Plays a hostile paired device: sends raw sealed signals (a `connect` for a tab, say) over a
 * real device line in a real browser, as a modified extension could. Nothing is mocked: the
 * signals are sealed and sent by the offscreen document's own line to the paired device.
 *
 * The line is not reachable by name (module scope), so this finds it on the heap over CDP:
 * Runtime.queryObjects lists every Map, and the one holding the device lines is the one
 * whose values carry a paired `device` record with a `sealed` channel.
 */
import type { PeerbeamBrowser } from './browser.js';
import { waitUntil } from './ports.js';
import { listTargets, type TargetInfo } from './targets.js';

interface Reply {
  id?: number;
  result?: {
    result?: { objectId?: string; value?: unknown };
    objects?: { objectId?: string };
    exceptionDetails?: { text?: string; exception?: { description?: string } };
  };
  error?: { message: string };
}

/** Sends `signals` one after another, at once, over `browser`'s line to `deviceName`. */
export async function sendOverDeviceLine(
  browser: PeerbeamBrowser,
  deviceName: string,
  signals: unknown[],
): Promise<void> {
  const page = await browser.openPopup();
  const cdp = await browser.context.newCDPSession(page);
  try {
    let offscreen: TargetInfo | undefined;
    await waitUntil(
      async () => {
        ({ offscreen } = await listTargets(cdp));
        return offscreen !== undefined;
      },
      10_000,
      'the offscreen document',
    );
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: offscreen!.targetId,
      flatten: false,
    });
    const replies = new Map<number, (reply: Reply) => void>();
    cdp.on('Target.receivedMessageFromTarget', ({ message }: { message: string }) => {
      const reply = JSON.parse(message) as Reply;
      if (reply.id !== undefined) replies.get(reply.id)?.(reply);
    });
    let nextId = 0;
    const send = async (method: string, params: object) => {
      const id = ++nextId;
      const reply = await new Promise<Reply>((resolve) => {
        replies.set(id, resolve);
        void cdp.send('Target.sendMessageToTarget', {
          sessionId,
          message: JSON.stringify({ id, method, params }),
        });
      });
      if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
      const details = reply.result?.exceptionDetails;
      if (details) throw new Error(`${method}: ${details.exception?.description ?? details.text}`);
      return reply.result!;
    };
    const prototype = await send('Runtime.evaluate', { expression: 'Map.prototype' });
    const maps = await send('Runtime.queryObjects', {
      prototypeObjectId: prototype.result!.objectId,
    });
    await send('Runtime.callFunctionOn', {
      objectId: maps.objects!.objectId,
      functionDeclaration: String(function (
        this: Map<unknown, unknown>[],
        name: string,
        batch: unknown[],
      ) {
        for (const map of this) {
          for (const value of map.values()) {
            const line = value as {
              device?: { name?: string; mailbox?: string };
              sealed?: { send(signal: unknown): void };
            };
            if (typeof line !== 'object' || line?.device?.name !== name || !line.device.mailbox)
              continue;
            const sealed = line.sealed;
            if (!sealed) throw new Error(`the line to ${name} is not online`);
            for (const signal of batch) sealed.send(signal);
            return true;
          }
        }
        throw new Error(`no device line to ${name}`);
      }),
      arguments: [{ value: deviceName }, { value: signals }],
      returnByValue: true,
    });
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close();
  }
}
