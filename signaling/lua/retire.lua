-- This process is leaving (its connections have already left their mailboxes).
redis.call('DEL', P .. 'proc:' .. ME)
redis.call('DEL', P .. 'pm:' .. ME)
redis.call('SREM', P .. 'procs', ME)
return finish('ok')
