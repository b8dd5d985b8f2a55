/**
 * This device's long-term identity and the devices it remembers, in IndexedDB (every host has
 * it; the offscreen document has no chrome.storage). The private key is a non-extractable Web Crypto key:
 * it can sign, but its bytes can never be read, not even by Peerbeam.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { fromBase64Url, toBase64Url } from '../core/bytes.js';
import type { LinkView } from './views.js';

export interface DeviceIdentity {
  keyPair: CryptoKeyPair;
  /** SPKI of the public key, base64url: what the peer stores and verifies with. */
  publicKey: string;
}

export interface PairedDevice {
  /** Short stable id: a hash of the device's public key. */
  id: string;
  name: string;
  publicKey: string;
  /** 32 bytes both devices derived from the pairing session; the password of later sessions. */
  secret: Uint8Array;
  mailbox: string;
  pairedAt: number;
  /** Unpaired here; still to tell the other device when it next comes online. */
  unpairPending?: boolean;
  /** Links from this device open without asking. */
  autoOpenLinks?: boolean;
}

/** A link sent or received, for the popup's history (and the outbox while pending). */
export interface LinkRecord extends LinkView {
  deviceId: string;
}

const HISTORY_KEEP = 50;

interface PeerbeamDb extends DBSchema {
  identity: { key: 'self'; value: DeviceIdentity };
  devices: { key: string; value: PairedDevice };
  links: { key: string; value: LinkRecord; indexes: { at: number } };
}

const SIGNING = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Web Crypto wants bytes backed by a plain ArrayBuffer. */
const copy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

let database: Promise<IDBPDatabase<PeerbeamDb>> | undefined;
function db(): Promise<IDBPDatabase<PeerbeamDb>> {
  database ??= openDB<PeerbeamDb>('peerbeam', 2, {
    upgrade(upgrade, oldVersion) {
      if (oldVersion < 1) {
        upgrade.createObjectStore('identity');
        upgrade.createObjectStore('devices', { keyPath: 'id' });
      }
      if (oldVersion < 2) {
        upgrade.createObjectStore('links', { keyPath: 'id' }).createIndex('at', 'at');
      }
    },
  });
  return database;
}

let identity: Promise<DeviceIdentity> | undefined;
/** Creates the key pair once per browser profile; concurrent callers share the creation. */
export function deviceIdentity(): Promise<DeviceIdentity> {
  identity ??= (async () => {
    const store = await db();
    const existing = await store.get('identity', 'self');
    if (existing) return existing;
    const keyPair = await crypto.subtle.generateKey(SIGNING, false, ['sign', 'verify']);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keyPair.publicKey));
    const created = { keyPair, publicKey: toBase64Url(spki) };
    await store.put('identity', created, 'self');
    return created;
  })();
  return identity;
}

export async function sign(challenge: Uint8Array): Promise<string> {
  const { keyPair } = await deviceIdentity();
  const signature = await crypto.subtle.sign(SIGNATURE, keyPair.privateKey, copy(challenge));
  return toBase64Url(new Uint8Array(signature));
}

export async function verify(
  publicKey: string,
  challenge: Uint8Array,
  signature: string,
): Promise<boolean> {
  const spki = fromBase64Url(publicKey);
  const signatureBytes = fromBase64Url(signature);
  if (!spki || !signatureBytes) return false;
  try {
    const key = await crypto.subtle.importKey('spki', copy(spki), SIGNING, false, ['verify']);
    return await crypto.subtle.verify(SIGNATURE, key, copy(signatureBytes), copy(challenge));
  } catch {
    return false;
  }
}

export async function deviceIdFor(publicKey: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(publicKey)),
  );
  return toBase64Url(digest.subarray(0, 12));
}

export async function listDevices(): Promise<PairedDevice[]> {
  return (await db()).getAll('devices');
}

export async function saveDevice(device: PairedDevice): Promise<void> {
  await (await db()).put('devices', device);
}

export async function deleteDevice(id: string): Promise<void> {
  await (await db()).delete('devices', id);
}

export async function saveLink(record: LinkRecord): Promise<void> {
  const store = await db();
  await store.put('links', record);
  // Keep the history short: the oldest delivered or received links go first.
  const all = await store.getAllFromIndex('links', 'at');
  const done = all.filter((link) => link.state !== 'pending');
  for (const old of done.slice(0, Math.max(0, all.length - HISTORY_KEEP)))
    await store.delete('links', old.id);
}

export async function listLinks(): Promise<LinkRecord[]> {
  return (await (await db()).getAllFromIndex('links', 'at')).reverse();
}
