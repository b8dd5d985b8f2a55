/**
 * Links between paired devices: sent over the devices' line when it is up, otherwise
 * kept in this browser's outbox (never on the server) until the device comes online or the
 * link expires. Received links are checked again (only http/https) before anyone sees them,
 * and each device may send only so many (core/device-consent.ts): every link is answered,
 * shown or refused with a reason the sender shows, so a sender's outbox never waits forever.
 */
import { decideLink, LINK_RATE } from '../core/device-consent.js';
import { DeviceRateLimiter } from '../core/device-rate-limit.js';
import { PeerbeamError } from '../core/errors.js';
import { checkLink, partitionOutbox } from '../core/links.js';
import type { LinkRefusedReason } from '../core/peer-signal.js';
import type { LinkView } from './views.js';
import type { DeviceLine, DeviceLines } from './device-lines.js';
import type { IncomingLink } from './views.js';
import { listLinks, saveLink, type LinkRecord } from './device-store.js';

export interface CourierEvents {
  changed(): void;
  /** A checked link from a paired device: show it (or open it, if the person said so). */
  show(link: IncomingLink): void;
}

export class LinkCourier {
  private readonly rate = new DeviceRateLimiter(LINK_RATE);

  constructor(
    private readonly lines: () => DeviceLines,
    private readonly events: CourierEvents,
  ) {}

  async send(deviceId: string, rawUrl: string, rawTitle: string): Promise<LinkView> {
    const checked = checkLink(rawUrl, rawTitle);
    if (!checked.ok) throw new PeerbeamError('LINK_REFUSED', checked.reason);
    const line = this.lines().get(deviceId);
    const record: LinkRecord = {
      id: crypto.randomUUID(),
      direction: 'sent',
      deviceId,
      deviceName: line.device.name,
      url: checked.url,
      title: checked.title,
      at: Date.now(),
      state: 'pending',
    };
    await saveLink(record);
    this.deliver(line, record);
    this.events.changed();
    return record;
  }

  /** A device came online: everything still waiting for it goes now; expired links go away. */
  async flush(line: DeviceLine): Promise<void> {
    const pending = (await listLinks()).filter(
      (record) => record.state === 'pending' && record.deviceId === line.device.id,
    );
    const { live, expired } = partitionOutbox(
      pending.map((record) => ({ ...record, queuedAt: record.at })),
      Date.now(),
    );
    for (const record of expired)
      await saveLink({ ...pending.find((r) => r.id === record.id)!, state: 'expired' });
    for (const record of live)
      this.deliver(
        line,
        pending.find((r) => r.id === record.id)!,
      );
    if (expired.length > 0) this.events.changed();
  }

  async received(
    line: DeviceLine,
    message: { id: string; url: string; title: string },
  ): Promise<void> {
    const checked = checkLink(message.url, message.title);
    if (!checked.ok) {
      console.warn(`peerbeam: refused a link from ${line.device.id}: ${checked.reason}`);
      line.sealed?.trySend({ t: 'link-ack', id: message.id, refused: 'BAD_LINK' });
      return;
    }
    // Before any storage work: a flood costs one token check per link, nothing more.
    const decision = decideLink({ withinRate: this.rate.allow(line.device.id) });
    if (decision.action === 'refuse') {
      line.sealed?.trySend({ t: 'link-ack', id: message.id, refused: decision.reason });
      return;
    }
    line.sealed?.trySend({ t: 'link-ack', id: message.id });
    const known = (await listLinks()).some((record) => record.id === message.id);
    if (known) return; // delivered twice (the ack was lost): shown once
    await saveLink({
      id: message.id,
      direction: 'received',
      deviceId: line.device.id,
      deviceName: line.device.name,
      url: checked.url,
      title: checked.title,
      at: Date.now(),
      state: 'received',
    });
    this.events.show({
      id: message.id,
      url: checked.url,
      title: checked.title,
      deviceName: line.device.name,
      autoOpen: line.device.autoOpenLinks ?? false,
    });
    this.events.changed();
  }

  async acked(id: string, refused?: LinkRefusedReason): Promise<void> {
    const record = (await listLinks()).find((r) => r.id === id && r.direction === 'sent');
    if (!record || record.state === 'delivered' || record.state === 'refused') return;
    await saveLink(
      refused ? { ...record, state: 'refused', refused } : { ...record, state: 'delivered' },
    );
    this.events.changed();
  }

  async list(): Promise<LinkView[]> {
    return (await listLinks()).slice(0, 20).map(({ deviceId: _deviceId, ...view }) => view);
  }

  private deliver(line: DeviceLine, record: LinkRecord): void {
    line.sealed?.trySend({ t: 'link', id: record.id, url: record.url, title: record.title });
  }
}
