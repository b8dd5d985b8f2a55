import { createInMemoryMailboxStore } from './mailboxes.js';
import { mailboxStoreContract } from './mailbox-store.contract.js';

mailboxStoreContract('in-memory', (options) => createInMemoryMailboxStore(options));
