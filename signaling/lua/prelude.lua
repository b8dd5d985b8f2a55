-- Shared by every mailbox script (redis-store.ts runs it before the script's own lines).
-- ARGV: 1 prefix, 2 this process's id, 3 now (ms), 4 safety TTL of state keys (ms),
-- 5 quarantine (ms), 6 the calling member; script-specific ones from 7.
-- Reply: { status, value, conn, event, conn, event, ... } with this process's events.
local P = ARGV[1]
local ME = ARGV[2]
local NOW = tonumber(ARGV[3])
local KEEP = tonumber(ARGV[4])
local QUARANTINE = tonumber(ARGV[5])
local self = ARGV[6]
local events = {}

local function split(member)
  local at = string.find(member, ':', 1, true)
  return string.sub(member, 1, at - 1), string.sub(member, at + 1)
end

local function tell(member, event)
  local proc, conn = split(member)
  if proc == ME then
    events[#events + 1] = conn
    events[#events + 1] = event
  else
    redis.call('PUBLISH', P .. 'ev:' .. proc, conn .. '\n' .. event)
  end
end

local function finish(status, value)
  local reply = { status, value or '' }
  for i = 1, #events do reply[#reply + 1] = events[i] end
  return reply
end

local function peer_of(members)
  for _, member in ipairs(members) do
    if member ~= self then return member end
  end
  return nil
end

local function enter(mid)
  local key = P .. 'mb:' .. mid
  redis.call('SADD', key, self)
  redis.call('PEXPIRE', key, KEEP)
  redis.call('SET', P .. 'in:' .. self, mid, 'PX', KEEP)
  redis.call('SADD', P .. 'pm:' .. ME, self)
  redis.call('ZADD', P .. 'active', NOW, mid)
end

local function forget(member)
  redis.call('DEL', P .. 'in:' .. member)
  redis.call('SREM', P .. 'pm:' .. split(member), member)
end

-- Removes every member and the mailbox; a nameplate goes into quarantine. Returns the members.
local function close(mid)
  local key = P .. 'mb:' .. mid
  local members = redis.call('SMEMBERS', key)
  for _, member in ipairs(members) do
    if redis.call('GET', P .. 'in:' .. member) == mid then forget(member) end
  end
  redis.call('DEL', key)
  redis.call('ZREM', P .. 'active', mid)
  redis.call('SREM', P .. 'waiting', mid)
  if string.sub(mid, 1, 2) == 'n:' then
    local nameplate = string.sub(mid, 3)
    if redis.call('HEXISTS', P .. 'np', nameplate) == 1 then
      local untilMs = NOW + QUARANTINE
      redis.call('HSET', P .. 'np', nameplate, untilMs)
      redis.call('ZADD', P .. 'npq', untilMs, nameplate)
    end
  end
  return members
end

-- Takes `member` out of its mailbox (a nameplate one closes); the peer hears 'L' .. mood.
local function leave(member, mood)
  local mid = redis.call('GET', P .. 'in:' .. member)
  if not mid then return end
  local key = P .. 'mb:' .. mid
  local peer = nil
  for _, other in ipairs(redis.call('SMEMBERS', key)) do
    if other ~= member then peer = other end
  end
  if string.sub(mid, 1, 2) == 'n:' then
    close(mid)
  else
    redis.call('SREM', key, member)
    forget(member)
    if redis.call('SCARD', key) == 0 then
      redis.call('ZREM', P .. 'active', mid)
      redis.call('SREM', P .. 'waiting', mid)
    else
      redis.call('SADD', P .. 'waiting', mid)
    end
  end
  if peer then tell(peer, 'L' .. mood) end
end
