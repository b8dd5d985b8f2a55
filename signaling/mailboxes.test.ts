import { createInMemoryMailboxStore } from './mailboxes.js';
import { mailboxStoreContract } from '../test/signaling/mailbox-store.contract.js';

mailboxStoreContract('in-memory', (options) => createInMemoryMailboxStore(options));
