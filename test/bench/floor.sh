#!/bin/sh
# The floor for hoist's server steps: the same remote work as bootstrap + registry-login + upload + deploy, written by
# hand with plain `ssh` over one ControlMaster connection, as a person who knows the server would script it. Each
# transfer or command is one round trip; the connection itself is opened first and not counted (hoist's is opened
# by ssh-ready). Prints "step <id> <ms> <round trips>" per step. The registry token comes on stdin.
# Run by test/bench/server-steps.mjs, which supplies the files hoist rendered for the stack (FLOOR_FILES).
# usage: FLOOR_HOST=… FLOOR_USER=… FLOOR_KEY=… FLOOR_KNOWN_HOSTS=… FLOOR_STACK=… FLOOR_FILES=… FLOOR_REGISTRY=… \
#        FLOOR_REGISTRY_USER=… floor.sh <token
set -eu
: "${FLOOR_HOST:?}" "${FLOOR_USER:?}" "${FLOOR_KEY:?}" "${FLOOR_KNOWN_HOSTS:?}" "${FLOOR_STACK:?}" "${FLOOR_FILES:?}"
: "${FLOOR_REGISTRY:?}" "${FLOOR_REGISTRY_USER:?}"
templates=$(cd "$(dirname "$0")/../../templates" && pwd)
work=$(mktemp -d)
control="$work/control"
stack_dir="/srv/hoist/$FLOOR_STACK"
token=$(cat)

remote() {
	ssh -i "$FLOOR_KEY" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile="$FLOOR_KNOWN_HOSTS" \
		-o StrictHostKeyChecking=yes -o ControlPath="$control" "$FLOOR_USER@$FLOOR_HOST" "$@"
}
now() { date +%s%3N; }
started=0
begin() { started=$(now); }
finish() { printf 'step %s %s %s\n' "$1" "$(($(now) - started))" "$2"; }

remote -o ControlMaster=yes -o ControlPersist=300 -fN
trap 'remote -O exit >/dev/null 2>&1; rm -rf "$work"' EXIT

# bootstrap: the scripts travel in one tar stream, then bootstrap.sh runs as root.
begin
tar -C "$templates" -cf - bootstrap.sh health-scheduler.sh openrc systemd |
	remote 'doas sh -c "mkdir -p /var/lib/hoist/bootstrap && tar -C /var/lib/hoist/bootstrap -xf -"'
remote 'doas sh -c "HOIST_SWAP_MB=1024 sh /var/lib/hoist/bootstrap/bootstrap.sh"' >/dev/null
finish bootstrap 2

# registry-login: the token on stdin, never on a command line; the auth file in the stack's directory.
begin
printf '%s' "$token" | remote "doas sh -c 'umask 077 && mkdir -p $stack_dir/.hoist-docker && podman login --authfile $stack_dir/.hoist-docker/config.json --username $FLOOR_REGISTRY_USER --password-stdin $FLOOR_REGISTRY >/dev/null'"
finish registry-login 1

# upload: the compose file, hoist's overlay, the environment file and Caddy's files, in one tar stream.
begin
tar -C "$FLOOR_FILES" -cf - . | remote "doas sh -c 'mkdir -p $stack_dir && tar -C $stack_dir -xf -'"
finish upload 1

# deploy: compose up (it pulls what is missing; one-shot services finish before web starts).
begin
if ! out=$(remote "doas sh -c 'cd $stack_dir && set -a && . ./hoist.env && set +a && DOCKER_HOST=unix:///run/podman/podman.sock DOCKER_CONFIG=$stack_dir/.hoist-docker docker-compose -p $FLOOR_STACK -f docker-compose.yml -f compose.hoist.yml up -d --remove-orphans'" 2>&1); then
	printf 'floor: compose up failed:\n%s\n' "$out" >&2
	exit 1
fi
finish deploy 1
