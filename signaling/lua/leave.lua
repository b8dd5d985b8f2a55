-- ARGV 7 mood, or '' for a disconnect.
leave(self, ARGV[7])
return finish('ok')
