-- ARGV 7 range index (1-based), 8 candidate nameplate, 9... range maxima.
-- Only a connection outside any mailbox may enter one.
if redis.call('EXISTS', P .. 'in:' .. self) == 1 then return finish('ALREADY_IN_MAILBOX') end
local index = tonumber(ARGV[7])
local max = tonumber(ARGV[8 + index])
local taken = tonumber(redis.call('HGET', P .. 'npc', index) or '0')
if taken >= max / 2 then return finish('RANGE_FULL') end
local nameplate = ARGV[8]
if redis.call('HEXISTS', P .. 'np', nameplate) == 1 then return finish('TAKEN') end
redis.call('HSET', P .. 'np', nameplate, 'open')
local value = tonumber(nameplate)
for i = 9, #ARGV do
  if value <= tonumber(ARGV[i]) then redis.call('HINCRBY', P .. 'npc', i - 8, 1) end
end
local mid = 'n:' .. nameplate
enter(mid)
redis.call('SADD', P .. 'waiting', mid)
return finish('ok', nameplate)
