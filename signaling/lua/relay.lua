-- ARGV 7 body.
local mid = redis.call('GET', P .. 'in:' .. self)
if not mid then return finish('NOT_IN_MAILBOX') end
local key = P .. 'mb:' .. mid
local peer = peer_of(redis.call('SMEMBERS', key))
if not peer then return finish('NO_PEER') end
redis.call('ZADD', P .. 'active', 'XX', NOW, mid)
-- The safety TTLs were set together; renewing them once half gone is enough.
if redis.call('PTTL', key) < KEEP / 2 then
  redis.call('PEXPIRE', key, KEEP)
  redis.call('PEXPIRE', P .. 'in:' .. self, KEEP)
  redis.call('PEXPIRE', P .. 'in:' .. peer, KEEP)
end
tell(peer, 'R' .. ARGV[7])
return finish('ok')
