#!/bin/bash
# Give the sandbox instance a new SSH host key (as if the host were rebuilt) without restarting anything else:
# sshd re-executes on SIGHUP and loads the new key. Prints the new public key; updates $DIR/ssh/known_hosts.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_root
daemon_alive sshd || die "sandbox sshd is not running"
pid=$(cat "$RUN/sshd.pid")
key=$DIR/ssh/host_ed25519_key
rm -f "$key.new" "$key.new.pub"
ssh-keygen -q -t ed25519 -N '' -C "hoist-sandbox-host" -f "$key.new"
mv -f "$key.new" "$key"
mv -f "$key.new.pub" "$key.pub"
kill -HUP "$pid"
new=$(cut -d' ' -f1,2 "$key.pub")
for _ in $(seq 50); do
	[[ $(ssh-keyscan -T 1 -t ed25519 "$INSTANCE_IP" 2>/dev/null | cut -d' ' -f2,3) == "$new" ]] && break
	sleep 0.1
done
[[ $(ssh-keyscan -T 1 -t ed25519 "$INSTANCE_IP" 2>/dev/null | cut -d' ' -f2,3) == "$new" ]] || die "sshd still serves the old key"
printf '%s %s\n' "$INSTANCE_IP" "$new" >"$DIR/ssh/known_hosts"
echo "$new"
