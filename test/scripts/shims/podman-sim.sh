#!/bin/sh
# A `podman` that simulates containers for health-scheduler.sh, on the scheduler's clock ($HOIST_HEALTH_CLOCK,
# else /proc/uptime). Every call is appended to $SIM_DIR/calls as "<clock> <args>".
# $SIM_DIR/containers, one container a line:
#   <id> <name> <interval s> <timeout s> <test: CMD-SHELL|NONE|-> <running from> <running until|-> <result>
#   test "-" = no healthcheck; result pass | fail | fail-from:<time> (passes before that time).
# Health state lives in $SIM_DIR/health/<id> ("starting" until the first check). Like podman 4.3, a passing
# check makes it healthy; a failing one makes it unhealthy at once (the retries are podman's business, not the
# scheduler's). SIM_PS_FAIL=1 makes ps fail.
set -u
export PATH=/usr/local/bin:/usr/bin:/bin
read -r now _ <"${HOIST_HEALTH_CLOCK:-/proc/uptime}"
printf '%s %s\n' "$now" "$*" >>"$SIM_DIR/calls"
mkdir -p "$SIM_DIR/health"

# at_or_after A B: A >= B (decimal seconds)
at_or_after() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
running() { at_or_after "$now" "$1" && { [ "$2" = - ] || ! at_or_after "$now" "$2"; }; }
health() { cat "$SIM_DIR/health/$1" 2>/dev/null || echo starting; }

case ${1:-} in
ps)
	if [ "${SIM_PS_FAIL:-}" = 1 ]; then
		echo "Error: simulated ps failure" >&2
		exit 125
	fi
	while read -r id name _interval _timeout test from until _result; do
		running "$from" "$until" || continue
		if [ "$test" = - ] || [ "$test" = NONE ]; then echo "$id $name Up 3 seconds ago"; else
			echo "$id $name Up 3 seconds ago ($(health "$id"))"
		fi
	done <"$SIM_DIR/containers"
	;;
inspect)
	missing=
	for want in "$@"; do
		case $want in -* | '{{'* | container) continue ;; esac
		found=
		while read -r id _name interval timeout test from _until _result; do
			if [ "$id" != "$want" ] || ! at_or_after "$now" "$from"; then continue; fi
			found=1
			case $test in
			-) echo "$id " ;;
			NONE) echo "$id 0 0 [NONE]" ;;
			*) echo "$id $((interval * 1000000000)) $((timeout * 1000000000)) [$test exit 0]" ;;
			esac
		done <"$SIM_DIR/containers"
		[ -n "$found" ] || missing="$missing $want"
	done
	if [ -n "$missing" ]; then
		echo "Error: inspecting object: no such container$missing" >&2
		exit 125
	fi
	;;
healthcheck)
	id=$3
	line=$(grep "^$id " "$SIM_DIR/containers") || {
		echo "Error: no container with name or ID \"$id\" found: no such container" >&2
		exit 125
	}
	# shellcheck disable=SC2086 # split the line into its fields
	set -- $line
	if ! running "$6" "$7"; then
		echo "Error: container $id is not running" >&2
		exit 125
	fi
	case $8 in
	pass) ok=1 ;;
	fail) ok= ;;
	fail-from:*) if at_or_after "$now" "${8#fail-from:}"; then ok=; else ok=1; fi ;;
	esac
	if [ -n "$ok" ]; then
		echo healthy >"$SIM_DIR/health/$id"
	else
		echo unhealthy >"$SIM_DIR/health/$id"
		echo unhealthy
		exit 1
	fi
	;;
*)
	echo "podman-sim: unexpected call: $*" >&2
	exit 125
	;;
esac
exit 0
