# netns.sh - a network namespace for a test, sourced after tests/tap.sh:
# its loopback up, with the documentation addresses the test asks for,
# deleted on exit; nothing leaves it.
#
#   netns_up NAME ADDR...   creates it and sets NETNS_EXEC (skips the test
#                           if it cannot: no netns, no IPv6)

netns_up() {
	NS=$1-$$
	shift
	ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace here"
	tap_on_exit "ip netns del '$NS' 2>/dev/null"
	NETNS_EXEC="ip netns exec $NS"
	$NETNS_EXEC ip link set lo up || skip_all "cannot bring up lo in the namespace"
	for _a in "$@"; do
		$NETNS_EXEC ip -6 addr add "$_a/128" dev lo nodad ||
			skip_all "cannot add IPv6 addresses in the namespace (IPv6 disabled?)"
	done
}
