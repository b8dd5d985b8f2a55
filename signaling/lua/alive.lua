-- ARGV 7 process timeout (ms). Marks this process alive.
redis.call('SET', P .. 'proc:' .. ME, '1', 'PX', tonumber(ARGV[7]))
redis.call('SADD', P .. 'procs', ME)
return finish('ok')
