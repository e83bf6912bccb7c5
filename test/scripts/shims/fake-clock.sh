# shellcheck shell=sh
# Sourced before health-scheduler.sh in busybox ash (whose applets come before PATH, see applets.sh): `sleep N`
# returns at once and moves the scheduler's clock ($HOIST_HEALTH_CLOCK) N seconds on, recording "<clock> sleep N"
# in $SIM_DIR/calls. Once the clock reaches $SIM_STOP_AT it sends TERM to the scheduler (pid in
# $HOIST_HEALTH_PIDFILE), as a supervisor stopping it during its sleep would.
sleep() {
	read -r _sim_now _ <"$HOIST_HEALTH_CLOCK"
	printf '%s sleep %s\n' "$_sim_now" "$1" >>"$SIM_DIR/calls"
	_sim_now=$(awk -v a="$_sim_now" -v b="$1" 'BEGIN { printf "%.2f", a + b }')
	printf '%s 0.00\n' "$_sim_now" >"$HOIST_HEALTH_CLOCK"
	if awk -v a="$_sim_now" -v b="$SIM_STOP_AT" 'BEGIN { exit !(a >= b) }'; then
		kill -TERM "$(cat "$HOIST_HEALTH_PIDFILE")"
	fi
}
