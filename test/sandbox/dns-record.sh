#!/bin/bash
# Change and inspect the sandbox DNS at runtime.
# usage: dns-record.sh SERVERS set    NAME TYPE VALUE [TTL]   replace NAME's TYPE records with VALUE (TTL default 60)
#        dns-record.sh SERVERS add    NAME TYPE VALUE [TTL]   add one record to NAME's TYPE records (e.g. a third NS)
#        dns-record.sh SERVERS remove NAME TYPE VALUE         remove that one record again
#        dns-record.sh SERVERS delete NAME TYPE               remove NAME's TYPE records (NODATA/NXDOMAIN follows)
#        dns-record.sh SERVERS fill   NAME COUNT [A|TXT]      replace NAME's A (or TXT) records with COUNT of them;
#                                                             300 A or 120 TXT make an answer over 4 KB (UDP: TC, then TCP)
#        dns-record.sh SERVERS negative-ttl SECONDS           set the SOA MINIMUM, i.e. the negative-answer TTL
#        dns-record.sh SERVERS get    NAME TYPE               each server's answer (resolvers asked with recursion)
#        dns-record.sh SERVERS flush  [NAME]                  resolvers: drop cached answers for NAME and below (default: all)
#        dns-record.sh SERVERS sync                           wait until the query logs hold every query made so far
#        dns-record.sh SERVERS log    [--since EPOCH_MS] [NAME]   logged queries: SERVER EPOCH_MS PROTO CLIENT QNAME QTYPE
#                                                             (unbound logs whole seconds and no protocol: "-")
# SERVERS: auth (ns1+ns2), ns1, ns2, resolvers (r1+r2+r3), r1, r2, r3, bootstrap, all (several comma-separated).
#          set/add/remove/delete/fill/negative-ttl change the authoritative servers (knotc transactions; the next
#          query sees the change); with "all" they also flush every resolver. Resolvers hold no records of their own.
# SERVFAIL: every name in the zone servfail.example.test ($SERVFAIL_ZONE) answers SERVFAIL on ns1/ns2 (a configured
#          zone whose file never exists) and, through them, on the resolvers. NAME: relative (app) or absolute.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_root
usage() { sed -n '3,19s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
(( $# >= 2 )) || usage

servers=()
flush_all=
IFS=, read -ra sets <<<"$1"
for s in "${sets[@]}"; do
	case $s in
	auth) servers+=(ns1 ns2) ;;
	resolvers) servers+=(r1 r2 r3) ;;
	all) servers+=(ns1 ns2 r1 r2 r3 bootstrap) flush_all=1 ;;
	ns1 | ns2 | r1 | r2 | r3 | bootstrap) servers+=("$s") ;;
	resolver[123]) servers+=("r${s#resolver}") ;;
	*) die "unknown server set '$s'" ;;
	esac
done
action=$2
shift 2

auth=() resolvers=()
for s in "${servers[@]}"; do if is_resolver "$s"; then resolvers+=("$s"); else auth+=("$s"); fi; done
# Changing records: authoritative servers only (a resolver only caches what they say).
writers() {
	if (( ${#resolvers[@]} )) && [[ -z $flush_all ]]; then
		die "${resolvers[*]}: resolvers cache what ns1/ns2 answer; change the record on auth and flush the resolvers"
	fi
	(( ${#auth[@]} )) || die "no authoritative server among ${servers[*]}"
}

owner() { # absolute owner name inside the zone
	local n=${1%.}
	[[ $n == "$ZONE" || $n == *".$ZONE" ]] || n=$n.$ZONE
	echo "$n."
}

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
flush_resolvers() { # NAME
	local r
	for r in "$@"; do
		unbound-control -c "$(unbound_conf "$r")" flush_zone "$flush_name" >/dev/null || die "$r: unbound-control flush_zone failed"
		unbound-control -c "$(unbound_conf "$r")" flush_infra all >/dev/null
	done
}
after_write() { if [[ -n $flush_all ]]; then flush_name=. flush_resolvers r1 r2 r3 bootstrap; fi; }

# Query logs. knotd's dnstap writer flushes about once a second: a marker query per server, waited for in its log,
# proves that every earlier query is in the log too. unbound writes each line at once.
sync_logs() {
	local s stamp deadline
	stamp=$(date +%s%N)
	for s in "${auth[@]}"; do dig +norec +time=1 +tries=1 "@$(dns_address "$s")" "_sync-$s-$stamp.$ZONE" TXT >/dev/null || true; done
	deadline=$(( $(date +%s) + 5 ))
	for s in "${auth[@]}"; do
		until grep -q " _sync-$s-$stamp\\.$ZONE\\. " "$(dns_query_log "$s")" 2>/dev/null; do
			(( $(date +%s) < deadline )) || die "$s: query log did not catch up within 5 s"
			sleep 0.05
		done
	done
}
# Normalised log lines: EPOCH_MS PROTO CLIENT QNAME QTYPE (unbound's lines carry whole seconds and no protocol).
log_lines() { # SERVER
	if is_resolver "$1"; then
		awk '$3 == "info:" && NF == 7 && $7 == "IN" { gsub(/[][]/, "", $1); printf "%.0f - %s %s %s\n", $1 * 1000, $4, $5, $6 }' \
			"$(dns_query_log "$1")" 2>/dev/null || true
	else
		sort -n "$(dns_query_log "$1")" 2>/dev/null | grep -v ' _sync-' || true
	fi
}

case $action in
set)
	(( $# >= 3 )) || usage
	writers
	name=$(owner "$1") type=${2^^} value=$3 ttl=${4:-60}
	read -ra rdata <<<"$value" # knotc takes the record data as separate words
	for server in "${auth[@]}"; do
		begin
		unset_rrset "$name" "$type"
		change zone-set "$name" "$ttl" "$type" "${rdata[@]}"
		commit
	done
	after_write
	;;
add | remove)
	(( $# >= 3 )) || usage
	writers
	name=$(owner "$1") type=${2^^} value=$3 ttl=${4:-60}
	read -ra rdata <<<"$value"
	for server in "${auth[@]}"; do
		begin
		if [[ $action == add ]]; then
			change zone-set "$name" "$ttl" "$type" "${rdata[@]}"
		else
			unset_rrset "$name" "$type" "${rdata[@]}"
		fi
		commit
	done
	after_write
	;;
delete)
	(( $# >= 2 )) || usage
	writers
	name=$(owner "$1") type=${2^^}
	for server in "${auth[@]}"; do
		begin
		unset_rrset "$name" "$type"
		commit
	done
	after_write
	;;
fill)
	if ! (( $# >= 2 )) || ! [[ $2 =~ ^[0-9]+$ ]] || (( $2 < 1 || $2 > 60000 )); then usage; fi
	writers
	name=$(owner "$1") count=$2 type=${3:-A}
	type=${type^^}
	[[ $type == A || $type == TXT ]] || usage
	for server in "${auth[@]}"; do
		begin
		unset_rrset "$name" A
		unset_rrset "$name" TXT
		# One knotc session reading commands on stdin: far faster than a knotc per record.
		out=$(for ((i = 0; i < count; i++)); do
			if [[ $type == A ]]; then
				echo "zone-set $ZONE $name 60 A 10.78.$((i / 256)).$((i % 256))"
			else
				printf 'zone-set %s %s 60 TXT "hoist sandbox filler record %05d"\n' "$ZONE" "$name" "$i"
			fi
		done | knotc -c "$(dns_conf "$server")" 2>&1)
		if [[ $(grep -c '^OK$' <<<"$out") != "$count" ]]; then
			kc zone-abort "$ZONE" 2>/dev/null || true
			die "$server: filling $name failed: $(grep -v '^OK$' <<<"$out" | head -3)"
		fi
		commit
	done
	after_write
	;;
get)
	(( $# >= 2 )) || usage
	for server in "${servers[@]}"; do
		printf '%s (%s):\n' "$server" "$(dns_address "$server")"
		rec=+norec
		is_resolver "$server" && rec=+rec
		dig "$rec" +time=1 +tries=1 "@$(dns_address "$server")" "$(owner "$1")" "${2^^}" +noall +answer +authority +comments |
			grep -E 'status:|IN' || true
	done
	;;
negative-ttl)
	[[ $# == 1 && $1 =~ ^[0-9]+$ ]] || usage
	writers
	for server in "${auth[@]}"; do
		# "[zone.] zone. TTL SOA mname rname serial refresh retry expire minimum"
		read -r _ _ ttl _ mname rname serial refresh retry expire _ < <(knotc -c "$(dns_conf "$server")" zone-read "$ZONE" @ SOA)
		begin
		change zone-set @ "$ttl" SOA "$mname" "$rname" "$((serial + 1))" "$refresh" "$retry" "$expire" "$1"
		commit
	done
	after_write
	;;
flush)
	(( ${#resolvers[@]} )) || die "flush applies to resolvers (r1, r2, r3, bootstrap, resolvers, all)"
	flush_name=.
	(( $# >= 1 )) && flush_name=$(owner "$1")
	flush_resolvers "${resolvers[@]}"
	;;
sync)
	sync_logs
	;;
log)
	since=0
	if [[ ${1:-} == --since ]]; then
		[[ ${2:-} =~ ^[0-9]+$ ]] || usage
		since=$2
		shift 2
	fi
	filter=
	(( $# >= 1 )) && filter=$(owner "$1")
	sync_logs
	for server in "${servers[@]}"; do
		log_lines "$server" | awk -v s="$server" -v since="$since" -v name="$filter" \
			'($2 == "-" ? $1 + 999 : $1) >= since && (name == "" || tolower($4) == tolower(name)) { print s, $0 }'
	done
	;;
*) usage ;;
esac
