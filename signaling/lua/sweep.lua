-- ARGV 7 mailbox TTL (ms), 8 batch size, 9... range maxima. Value: how many it handled.
local limit = tonumber(ARGV[8])
local expired = redis.call('ZRANGEBYSCORE', P .. 'active', '-inf', NOW - tonumber(ARGV[7]), 'LIMIT', 0, limit)
for _, mid in ipairs(expired) do
  for _, member in ipairs(close(mid)) do tell(member, 'X') end
end
local freed = redis.call('ZRANGEBYSCORE', P .. 'npq', '-inf', NOW, 'LIMIT', 0, limit)
for _, nameplate in ipairs(freed) do
  redis.call('ZREM', P .. 'npq', nameplate)
  if redis.call('HGET', P .. 'np', nameplate) ~= 'open' then
    redis.call('HDEL', P .. 'np', nameplate)
    local value = tonumber(nameplate)
    for i = 9, #ARGV do
      if value <= tonumber(ARGV[i]) then redis.call('HINCRBY', P .. 'npc', i - 8, -1) end
    end
  end
end
return finish('ok', tostring(math.max(#expired, #freed)))
