# shellcheck shell=sh
# Sourced by the tests before the script under test, in busybox ash.
# Debian's busybox-static ash prefers its own applets to PATH (FEATURE_SH_STANDALONE), unlike Alpine's busybox:
# a `swapon` or `dd` shim on PATH would never run, the real applet would. Shell functions come before applets,
# so the commands that share a name with an applet are shimmed here, recording to $SHIM_LOG like shim.sh.
# The functions never touch the host: dd makes a sparse file of the asked size, swapon edits $HOIST_ROOT/proc/swaps.

shim_record() { printf '%s\n' "$*" >>"$SHIM_LOG"; }
# shim_fails NAME ARGS...: fails (message on stderr, exit code returned) when a line of $SHIM_STATE/fail matches.
shim_fails() {
	[ -f "$SHIM_STATE/fail" ] || return 0
	_shim_call="$*"
	_shim_tab=$(printf '\t')
	while IFS=$_shim_tab read -r _shim_pattern _shim_code _shim_message; do
		# shellcheck disable=SC2254 # the pattern is a glob on purpose
		case $_shim_call in $_shim_pattern)
			printf '%s\n' "$_shim_message" >&2
			return "$_shim_code"
			;;
		esac
	done <"$SHIM_STATE/fail"
	return 0
}

dd() {
	shim_record dd "$@"
	shim_fails dd "$@" || return
	_shim_of=
	_shim_count=0
	for _shim_a in "$@"; do
		case $_shim_a in of=*) _shim_of=${_shim_a#of=} ;; count=*) _shim_count=${_shim_a#count=} ;; esac
	done
	busybox truncate -s "${_shim_count}M" "$_shim_of"
	echo "${_shim_count}+0 records in" >&2
}
mkswap() {
	shim_record mkswap "$@"
	shim_fails mkswap "$@" || return
	echo "Setting up swapspace version 1"
}
swapon() {
	shim_record swapon "$@"
	shim_fails swapon "$@" || return
	printf '%s file 1048572 0 -2\n' "$1" >>"$HOIST_ROOT/proc/swaps"
}
wget() {
	shim_record wget "$@"
	return 1
}
# sleep returns at once; after $SHIM_FIRSTBOOT_AFTER sleeps, tiny-cloud "finishes" the first boot.
sleep() {
	shim_record sleep "$@"
	_shim_n=$(($(cat "$SHIM_STATE/sleeps" 2>/dev/null || echo 0) + 1))
	echo "$_shim_n" >"$SHIM_STATE/sleeps"
	if [ -n "${SHIM_FIRSTBOOT_AFTER:-}" ] && [ "$_shim_n" -ge "$SHIM_FIRSTBOOT_AFTER" ]; then
		mkdir -p "$HOIST_ROOT/var/lib/cloud"
		: >"$HOIST_ROOT/var/lib/cloud/.bootstrap-complete"
	fi
}
