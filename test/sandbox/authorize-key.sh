#!/bin/bash
# Authorise a public key for the instance's user `alpine` directly: what a user does on their own server when they put
# hoist's public key in ~/.ssh/authorized_keys. The instance's AuthorizedKeysCommand prints these keys beside the one
# of the EC2 key pair, so a `server:` target can log in without any instance in the emulator.
# The file lives under $DIR/ssh (recorded in the manifest; up.sh starts without it and down.sh removes it).
# usage: authorize-key.sh add FILE.pub | remove FILE.pub | clear | list
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_root
[[ -s $MANIFEST && -d $DIR/ssh ]] || die "the sandbox is not up"
grep -q "$EXTRA_KEYS" "$DIR/bin/authorized-keys" ||
	die "the running sandbox was started from a checkout without authorize-key.sh: run up.sh --restart from this one"
key_of() { # the "type base64" of a public key file (no comment), or die
	local line
	line=$(awk 'NF >= 2 && $1 ~ /^(ssh-|ecdsa-)/ {print $1, $2; exit}' "$1" 2>/dev/null) || true
	[[ -n $line ]] || die "$1 holds no OpenSSH public key"
	echo "$line"
}
write_keys() { # replace the file atomically (sshd may read it at any moment)
	claim_path "$EXTRA_KEYS"
	cat >"$EXTRA_KEYS.tmp"
	chmod 644 "$EXTRA_KEYS.tmp"
	mv -f "$EXTRA_KEYS.tmp" "$EXTRA_KEYS"
}
current() { cat "$EXTRA_KEYS" 2>/dev/null || true; }
case ${1:-} in
add)
	key=$(key_of "${2:?usage: authorize-key.sh add FILE.pub}")
	{ current | grep -vxF "$key" || true; echo "$key"; } | write_keys
	;;
remove)
	key=$(key_of "${2:?usage: authorize-key.sh remove FILE.pub}")
	{ current | grep -vxF "$key" || true; } | write_keys
	;;
clear) rm -f "$EXTRA_KEYS" ;;
list) current ;;
*) die "usage: authorize-key.sh add FILE.pub | remove FILE.pub | clear | list" ;;
esac
