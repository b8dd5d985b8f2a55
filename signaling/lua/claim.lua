-- ARGV 7 nameplate.
-- Only a connection outside any mailbox may enter one.
if redis.call('EXISTS', P .. 'in:' .. self) == 1 then return finish('ALREADY_IN_MAILBOX') end
local mid = 'n:' .. ARGV[7]
local members = redis.call('SMEMBERS', P .. 'mb:' .. mid)
if #members == 0 then return finish('NO_SUCH_NAMEPLATE') end
if #members >= 2 then return finish('MAILBOX_FULL') end
enter(mid)
redis.call('PEXPIRE', P .. 'in:' .. members[1], KEEP)
redis.call('SREM', P .. 'waiting', mid)
tell(members[1], 'P')
return finish('ok')
