-- ARGV 7 batch size. Takes the members of dead processes out of their mailboxes.
local limit = tonumber(ARGV[7])
local handled = 0
for _, proc in ipairs(redis.call('SMEMBERS', P .. 'procs')) do
  if proc ~= ME and redis.call('EXISTS', P .. 'proc:' .. proc) == 0 then
    local members = redis.call('SPOP', P .. 'pm:' .. proc, limit - handled)
    for _, member in ipairs(members) do leave(member, '') end
    handled = handled + #members
    if redis.call('SCARD', P .. 'pm:' .. proc) == 0 then redis.call('SREM', P .. 'procs', proc) end
    if handled >= limit then break end
  end
end
return finish('ok', tostring(handled))
