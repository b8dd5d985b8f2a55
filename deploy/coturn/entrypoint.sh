#!/bin/sh
# The coturn container's entrypoint (deploy/compose.yaml): writes the configuration from the
# environment with render-config.sh, which exits with a message when an address is wrong, and
# only then runs turnserver in the foreground, logging to stdout.
set -eu
here=$(dirname "$0")
config=${PEERBEAM_COTURN_CONFIG:-/tmp/turnserver.conf}
sh "$here/render-config.sh" "$here/turnserver.conf" "$config"
exec turnserver -c "$config" --log-file=stdout "$@"
