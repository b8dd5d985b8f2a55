/** The steps of a session, in order; `closed` and `failed` are final. */
export type SessionStep =
  | 'connecting'
  | 'waiting-for-peer'
  | 'handshaking'
  | 'connecting-peer'
  | 'open'
  | 'closed'
  | 'failed';
