-- A token bucket, as TokenBucket in rate-limit.ts; runs without the prelude.
-- ARGV: key, capacity, refill per ms, now. Returns 1 if a token was taken, else 0.
local key = ARGV[1]
local capacity = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', key, 't', 'l')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', key, 't', tostring(tokens), 'l', tostring(now))
redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / rate) + 1000)
return allowed
