#!/bin/sh
# hoist health scheduler: runs Podman healthchecks on hosts without systemd.
#
# Podman schedules `podman healthcheck run` with transient systemd timers; a Podman built or run without
# systemd (Alpine's OpenRC, containers, the sandbox) never runs a healthcheck, containers stay "starting"
# and compose's `depends_on: condition: service_healthy` waits forever (podman #19326, #28192).
# This daemon is the missing clock: for every running container that has a healthcheck it runs
# `podman healthcheck run <id>` at the container's own interval. Podman itself does the rest: it ignores
# failures during the start period, counts failures against the retries and records the health state.
#
# Per tick: the due checks (one `podman healthcheck run` each), then one `podman ps` (new containers, gone
# ones, health states) when HOIST_HEALTH_SCAN seconds have passed since the last one or a check's result does
# not match the state podman showed; one `podman inspect` per newly seen container (its interval, once).
# Between ticks it sleeps until the next check or ps is due. The first check of a container runs as soon as
# it is seen, then every interval after the end of the previous check.
#
# Output: nothing, except one line per health state change of a container that has a healthcheck:
#   <UTC time> <name> <short id> <old state> -> <new state>      (old state "new" when first seen)
# and a line when podman ps starts or stops failing.
#
# Usage: health-scheduler.sh [--once]    --once: one tick (check every healthchecked container now), then exit
# Settings (environment):
#   HOIST_HEALTH_INTERVAL_DEFAULT  seconds between checks of a container whose healthcheck has no interval
#                                  (default 30; 0 = do not check such containers, which is what Podman's
#                                  `--health-interval disable` asks for)
#   HOIST_HEALTH_SCAN              longest sleep between two `podman ps`, seconds (default 5: a ps costs
#                                  about 35 ms of CPU, so 2 s would cost 2 % of a core on an idle host)
#   HOIST_HEALTH_PIDFILE           write the pid here (refuses to start while that pid is alive; removed on exit)
#   HOIST_HEALTH_LOG               append output here instead of stdout/stderr
#   HOIST_HEALTH_LOG_MAX           bytes the log may reach before it becomes LOG.1 (default 1048576; the one
#                                  before is dropped): a scheduler that runs for months cannot fill the disk
#   HOIST_HEALTH_CLOCK             FOR TESTS ONLY: a file read instead of /proc/uptime (monotonic seconds)
# Podman runs with the environment this script was started with (CONTAINERS_CONF etc.). Stops on TERM or INT.

set -u

interval_default=${HOIST_HEALTH_INTERVAL_DEFAULT:-30}
scan_every=${HOIST_HEALTH_SCAN:-5}
pidfile=${HOIST_HEALTH_PIDFILE:-}
logfile=${HOIST_HEALTH_LOG:-}
log_max=${HOIST_HEALTH_LOG_MAX:-1048576}
clock=${HOIST_HEALTH_CLOCK:-/proc/uptime}

once=
case ${1:-} in
--once) once=1 ;;
'') ;;
*)
	echo "usage: health-scheduler.sh [--once]" >&2
	exit 2
	;;
esac
for _v in "HOIST_HEALTH_INTERVAL_DEFAULT=$interval_default" "HOIST_HEALTH_SCAN=$scan_every"; do
	case ${_v#*=} in '' | *[!0-9]*)
		echo "health-scheduler: ${_v%%=*} must be a whole number of seconds, not '${_v#*=}'" >&2
		exit 2
		;;
	esac
done
[ "$scan_every" -gt 0 ] || scan_every=1

# Past log_max bytes the log becomes $logfile.1 (replacing the one before) and a new one starts.
cap_log() {
	[ -n "$logfile" ] || return 0
	_size=$(wc -c <"$logfile" 2>/dev/null) || return 0
	[ "$_size" -ge "$log_max" ] || return 0
	mv -f "$logfile" "$logfile.1" && exec >>"$logfile" 2>&1
}
if [ -n "$logfile" ]; then
	exec >>"$logfile" 2>&1 || exit 1
	cap_log
fi

if [ -n "$pidfile" ]; then
	if read -r _old 2>/dev/null <"$pidfile" && [ -n "$_old" ] && [ "$_old" != $$ ] && kill -0 "$_old" 2>/dev/null; then
		echo "health-scheduler: already running (pid $_old in $pidfile)" >&2
		exit 1
	fi
	echo $$ >"$pidfile" || exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hoist-health.XXXXXX") || exit 1
sleeper=
stopping=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null
	rm -rf "$tmp"
	if [ -n "$pidfile" ] && read -r _p 2>/dev/null <"$pidfile" && [ "$_p" = $$ ]; then rm -f "$pidfile"; fi
}
trap cleanup EXIT
# A signal only sets a flag (and ends the sleep): the loop stops at the next safe point and exits 0.
trap 'stopping=1; [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null' TERM INT
trap '' HUP

# now: monotonic time in centiseconds (/proc/uptime has two decimals), never the wall clock (NTP steps it).
now=0
tick_clock() {
	read -r _up _ <"$clock" || return 1
	_s=${_up%.*}
	_f=0
	[ "$_s" = "$_up" ] || _f=${_up#*.}
	_f=${_f}00
	_f=${_f%"${_f#??}"}
	_f=${_f#0}
	now=$((_s * 100 + ${_f:-0}))
}

say() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
short() { printf '%.12s' "$1"; }

# Per container (hex id): hc_<id> check interval in centiseconds (0 = no healthcheck), due_<id> next check,
# nm_<id> name, st_<id> last health state seen in podman ps. known = ids seen in the last podman ps.
known=
ps_failing=
last_scan=0
suspect=

forget() { unset "hc_$1" "due_$1" "nm_$1" "st_$1"; }

# health STATUS: the state podman ps shows in parentheses: "Up 3 minutes (healthy)".
health_of() {
	case $1 in
	*'(healthy)') echo healthy ;;
	*'(unhealthy)') echo unhealthy ;;
	*'(starting)') echo starting ;;
	*) echo none ;;
	esac
}

scan() {
	last_scan=$now
	suspect=
	if ! podman ps --no-trunc --format '{{.ID}} {{.Names}} {{.Status}}' >"$tmp/ps" 2>"$tmp/err"; then
		if [ -z "$ps_failing" ]; then
			say "podman ps failed: $(tail -n 1 "$tmp/err")"
			ps_failing=1
		fi
		return 1
	fi
	if [ -n "$ps_failing" ]; then
		say "podman ps works again"
		ps_failing=
	fi
	_seen=' '
	_new=
	while read -r _id _name _status; do
		case $_id in '' | *[!0-9a-f]*) continue ;; esac
		_seen="$_seen$_id "
		_h=$(health_of "$_status")
		eval "_hc=\${hc_$_id-}"
		if [ -z "$_hc" ]; then
			_new="$_new $_id"
			eval "nm_$_id=\$_name st_$_id=\$_h"
			continue
		fi
		eval "_old=\$st_$_id"
		if [ "$_hc" != 0 ] && [ "$_h" != "$_old" ]; then
			say "$_name $(short "$_id") $_old -> $_h"
			eval "st_$_id=\$_h"
		fi
	done <"$tmp/ps"
	_keep=
	for _id in $known; do
		case $_seen in *" $_id "*) _keep="$_keep $_id" ;; *) forget "$_id" ;; esac
	done
	known=$_keep
	[ -n "$_new" ] || return 0
	# One inspect for all new containers; one that vanished meanwhile is simply not listed (exit code ignored).
	# shellcheck disable=SC2086 # one word per id
	podman inspect --type container \
		--format '{{.ID}} {{with .Config.Healthcheck}}{{printf "%d %d %v" .Interval .Timeout .Test}}{{end}}' \
		$_new >"$tmp/inspect" 2>/dev/null
	while read -r _id _interval _timeout _test; do
		case $_new in *" $_id"*) ;; *) continue ;; esac
		case $_id in '' | *[!0-9a-f]*) continue ;; esac
		_hc=0
		case ${_test:-'[NONE]'} in
		'[NONE]'* | '[]') ;;
		*)
			case $_interval in '' | *[!0-9]*) _interval=0 ;; esac
			if [ "$_interval" = 0 ]; then
				_hc=$((interval_default * 100))
			else
				_hc=$(((_interval + 9999999) / 10000000))
				[ "$_hc" -ge 100 ] || _hc=100
			fi
			;;
		esac
		eval "hc_$_id=\$_hc due_$_id=\$now"
		known="$known $_id"
		if [ "$_hc" != 0 ]; then
			eval "_name=\$nm_$_id _h=\$st_$_id"
			say "$_name $(short "$_id") new -> $_h"
		fi
	done <"$tmp/inspect"
	for _id in $_new; do
		eval "_hc=\${hc_$_id-}"
		[ -n "$_hc" ] || forget "$_id"
	done
}

# Runs every check that is due; a container that stopped meanwhile is dropped (the next ps confirms it).
# A result that does not match the state podman last showed makes the next tick run ps.
run_due() {
	_due=0
	_st=
	for _id in $known; do
		eval "_hc=\$hc_$_id _due=\$due_$_id _st=\$st_$_id"
		[ "$_hc" != 0 ] || continue
		tick_clock
		[ "$_due" -le "$now" ] || continue
		[ -z "$stopping" ] || return 0
		podman healthcheck run "$_id" >"$tmp/hc" 2>&1
		_rc=$?
		tick_clock
		eval "due_$_id=\$((now + _hc))"
		case $_rc:$_st in
		0:healthy | 1:unhealthy) ;; # podman recorded what it showed already
		0:* | 1:*) suspect=1 ;;
		*)
			suspect=1
			forget "$_id"
			_rest=
			for _k in $known; do [ "$_k" = "$_id" ] || _rest="$_rest $_k"; done
			known=$_rest
			;;
		esac
	done
}

# Centiseconds until the next due check or ps (0 = something is due now).
next_wait() {
	_due=0
	tick_clock
	_wait=$((last_scan + scan_every * 100 - now))
	for _id in $known; do
		eval "_hc=\$hc_$_id _due=\$due_$_id"
		[ "$_hc" != 0 ] || continue
		_d=$((_due - now))
		[ "$_d" -ge "$_wait" ] || _wait=$_d
	done
	[ "$_wait" -ge 0 ] || _wait=0
}

pause() {
	[ "$1" -gt 0 ] || return 0
	sleep "$(($1 / 100)).$(printf '%02d' $(($1 % 100)))" &
	sleeper=$!
	wait "$sleeper"
	sleeper=
}

tick_clock || {
	echo "health-scheduler: cannot read the clock $clock" >&2
	exit 1
}
scan
if [ -n "$once" ]; then
	run_due
	scan
	exit 0
fi
while [ -z "$stopping" ]; do
	run_due
	[ -z "$stopping" ] || break
	tick_clock
	if [ -n "$suspect" ] || [ $((now - last_scan)) -ge $((scan_every * 100)) ]; then
		cap_log
		scan
	fi
	next_wait
	[ -z "$stopping" ] || break
	pause "$_wait"
done
exit 0
