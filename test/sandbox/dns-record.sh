#!/bin/bash
# Change the sandbox DNS at runtime (knotc zone transactions; the next query sees the change).
# usage: dns-record.sh SERVERS set    NAME TYPE VALUE [TTL]   replace NAME's TYPE records with VALUE (TTL default 60)
#        dns-record.sh SERVERS delete NAME TYPE               remove NAME's TYPE records (NODATA/NXDOMAIN follows)
#        dns-record.sh SERVERS get    NAME TYPE               print the answer section of each server
#        dns-record.sh SERVERS negative-ttl SECONDS           set the SOA MINIMUM, i.e. the negative-answer TTL
# SERVERS: auth (ns1+ns2), ns1, ns2, resolvers (r1+r2+r3), r1|resolver1, r2|resolver2, r3|resolver3, all
#          (several may be given comma-separated). NAME: relative (app) or absolute (app.example.test).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_root
usage() { sed -n '3,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
(( $# >= 2 )) || usage

servers=()
IFS=, read -ra sets <<<"$1"
for s in "${sets[@]}"; do
	case $s in
	auth) servers+=(ns1 ns2) ;;
	resolvers) servers+=(r1 r2 r3) ;;
	all) servers+=(ns1 ns2 r1 r2 r3) ;;
	ns1 | ns2 | r1 | r2 | r3) servers+=("$s") ;;
	resolver[123]) servers+=("r${s#resolver}") ;;
	*) die "unknown server set '$s'" ;;
	esac
done
action=$2
shift 2

owner() { # absolute owner name inside the zone
	local n=${1%.}
	[[ $n == "$ZONE" || $n == *".$ZONE" ]] || n=$n.$ZONE
	echo "$n."
}
address() { local e; for e in "${DNS_SERVERS[@]}"; do [[ ${e%%:*} == "$1" ]] && { e=${e#*:}; echo "${e##*,}"; }; done; }

# One knotc transaction per server: begin, changes, commit (abort on failure). Serial is bumped by knot.
kc() { knotc -c "$(dns_conf "$server")" "$@" >/dev/null; }
begin() {
	kc zone-begin "$ZONE" && return
	kc zone-abort "$ZONE" 2>/dev/null || true # left open by a helper that died mid-transaction
	kc zone-begin "$ZONE"
}
change() { kc "$1" "$ZONE" "${@:2}" || { kc zone-abort "$ZONE" 2>/dev/null || true; die "$server: knotc $* failed"; }; }
unset_rrset() { kc zone-unset "$ZONE" "$@" 2>/dev/null || true; } # fails when there is nothing to remove
commit() { kc zone-commit "$ZONE"; }

case $action in
set)
	(( $# >= 3 )) || usage
	name=$(owner "$1") type=${2^^} value=$3 ttl=${4:-60}
	read -ra rdata <<<"$value" # knotc takes the record data as separate words
	for server in "${servers[@]}"; do
		begin
		unset_rrset "$name" "$type"
		change zone-set "$name" "$ttl" "$type" "${rdata[@]}"
		commit
	done
	;;
delete)
	(( $# >= 2 )) || usage
	name=$(owner "$1") type=${2^^}
	for server in "${servers[@]}"; do
		begin
		unset_rrset "$name" "$type"
		commit
	done
	;;
get)
	(( $# >= 2 )) || usage
	for server in "${servers[@]}"; do
		printf '%s (%s):\n' "$server" "$(address "$server")"
		dig +norec +time=1 +tries=1 "@$(address "$server")" "$(owner "$1")" "${2^^}" +noall +answer +authority +comments |
			grep -E 'status:|IN' || true
	done
	;;
negative-ttl)
	[[ $# == 1 && $1 =~ ^[0-9]+$ ]] || usage
	for server in "${servers[@]}"; do
		# "[zone.] zone. TTL SOA mname rname serial refresh retry expire minimum"
		read -r _ _ ttl _ mname rname serial refresh retry expire _ < <(knotc -c "$(dns_conf "$server")" zone-read "$ZONE" @ SOA)
		begin
		change zone-set @ "$ttl" SOA "$mname" "$rname" "$((serial + 1))" "$refresh" "$retry" "$expire" "$1"
		commit
	done
	;;
*) usage ;;
esac
