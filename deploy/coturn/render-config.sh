#!/bin/sh
# Writes coturn's configuration: the committed template (turnserver.conf, which carries no
# address, secret or realm) plus the deployment's values from the environment. It refuses a
# relay address this host does not have: coturn would start cleanly and then answer every
# allocation with 508 (it cannot bind the relay socket: errno 99).
#
#   TURN_EXTERNAL_IP  required. PUBLIC: the public address, on one of this host's interfaces.
#                     PUBLIC/PRIVATE: behind 1:1 NAT (cloud VMs), where the interface has only
#                     PRIVATE; coturn relays on PRIVATE and tells clients PUBLIC.
#   TURN_RELAY_IP     optional: another way to give PRIVATE (must agree with TURN_EXTERNAL_IP).
#   TURN_SECRET       required: the signaling service's TURN_SECRET (16+ letters, digits, ._~+/=-).
#   TURN_REALM        required: the public host name.
#
# Usage: render-config.sh TEMPLATE OUT. Exits 1 with a message on stderr when a value is wrong.
# The host's addresses come from /proc (the coturn image has no `ip`); with host networking
# (deploy/compose.yaml) the container sees the host's.
set -eu

fail() {
  printf 'coturn config: %s\n' "$*" >&2
  exit 1
}

[ $# -eq 2 ] || fail "usage: render-config.sh TEMPLATE OUT"
template=$1
out=$2
[ -r "$template" ] || fail "cannot read the template $template"

is_ip() {
  printf '%s\n' "$1" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}$|^[0-9A-Fa-f:]*:[0-9A-Fa-f:]*$'
}

# An IPv6 address as /proc/net/if_inet6 writes it: 32 lowercase hex digits.
expand6() {
  printf '%s\n' "$1" | awk '
    function group(g) {
      if (length(g) < 1 || length(g) > 4) exit 1
      return substr("0000", 1, 4 - length(g)) g
    }
    {
      n = split(tolower($0), halves, "::")
      if (n > 2) exit 1
      nl = halves[1] == "" ? 0 : split(halves[1], left, ":")
      nr = (n < 2 || halves[2] == "") ? 0 : split(halves[2], right, ":")
      if ((n == 1 && nl != 8) || (n == 2 && nl + nr > 7)) exit 1
      out = ""
      for (i = 1; i <= nl; i++) out = out group(left[i])
      for (i = nl + nr; i < 8; i++) out = out "0000"
      for (i = 1; i <= nr; i++) out = out group(right[i])
      print out
    }'
}

# Every address on this host's interfaces, one a line (IPv6 unabbreviated).
host_addresses() {
  if [ -r /proc/net/fib_trie ]; then
    awk '/\|--/ { address = $2 } /\/32 host LOCAL/ { print address }' /proc/net/fib_trie | sort -u
  fi
  if [ -r /proc/net/if_inet6 ]; then
    awk '{ print substr($1,1,4) ":" substr($1,5,4) ":" substr($1,9,4) ":" substr($1,13,4) ":" \
      substr($1,17,4) ":" substr($1,21,4) ":" substr($1,25,4) ":" substr($1,29,4) }' \
      /proc/net/if_inet6 | sort -u
  fi
}

on_host() {
  case $1 in
    *:*)
      wanted=$(expand6 "$1") || return 1
      host_addresses | tr -d ':' | grep -qx "$wanted"
      ;;
    *) host_addresses | grep -qxF "$1" ;;
  esac
}

not_on_host() {
  addresses=$(host_addresses | tr '\n' ' ')
  addresses=${addresses% }
  fail "$1 ($2) is not an address of this host, so coturn could not relay on it (every allocation would fail with 508). This host has: ${addresses:-none}. $3"
}

external=${TURN_EXTERNAL_IP:-}
[ -n "$external" ] ||
  fail "set TURN_EXTERNAL_IP: this host's public address, or PUBLIC/PRIVATE behind 1:1 NAT (a cloud VM whose interface has only PRIVATE)"
case $external in
  */*/*) fail "TURN_EXTERNAL_IP must be PUBLIC or PUBLIC/PRIVATE, got '$external'" ;;
  */*) public=${external%/*} private=${external#*/} ;;
  *) public=$external private= ;;
esac
is_ip "$public" || fail "TURN_EXTERNAL_IP: '$public' is not an IP address"
relay=${TURN_RELAY_IP:-}
if [ -n "$relay" ]; then
  is_ip "$relay" || fail "TURN_RELAY_IP: '$relay' is not an IP address"
  if [ -z "$private" ] && [ "$relay" != "$public" ]; then
    private=$relay
  elif [ -n "$private" ] && [ "$relay" != "$private" ]; then
    fail "TURN_RELAY_IP=$relay disagrees with TURN_EXTERNAL_IP=$external: coturn relays on PRIVATE; set one of them"
  fi
fi

if [ -n "$private" ]; then
  is_ip "$private" || fail "TURN_EXTERNAL_IP: '$private' is not an IP address"
  on_host "$private" ||
    not_on_host "$private" "the PRIVATE part of TURN_EXTERNAL_IP=$external" \
      "Behind 1:1 NAT, PRIVATE is the address on the VM's interface."
  relay=$private
else
  on_host "$public" ||
    not_on_host "$public" "TURN_EXTERNAL_IP" \
      "Behind 1:1 NAT (cloud VMs), set TURN_EXTERNAL_IP=$public/PRIVATE with PRIVATE one of these."
  relay=$public
fi

secret=${TURN_SECRET:-}
case $secret in
  '' | *[!A-Za-z0-9._~+/=-]*) fail "TURN_SECRET must be set, with letters, digits or ._~+/=- only" ;;
esac
[ ${#secret} -ge 16 ] || fail "TURN_SECRET must be at least 16 characters long"
realm=${TURN_REALM:-}
case $realm in
  '' | *[!A-Za-z0-9.-]*) fail "TURN_REALM must be a host name, got '$realm'" ;;
esac

umask 077 # the file holds the secret
{
  grep -Ev '^(relay-ip|external-ip|static-auth-secret|realm)=' "$template"
  printf 'relay-ip=%s\n' "$relay"
  [ -z "$private" ] || printf 'external-ip=%s/%s\n' "$public" "$private"
  printf 'realm=%s\n' "$realm"
  printf 'static-auth-secret=%s\n' "$secret"
} >"$out.tmp"
mv "$out.tmp" "$out"
printf 'coturn config: relaying on %s%s\n' "$relay" "${private:+, announced as $public}"
