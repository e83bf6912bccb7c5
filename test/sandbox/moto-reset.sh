#!/bin/bash
# Reset the EC2 emulator to a fresh account (auth emulation off), pre-allocate the Elastic IP whose address is the
# sandbox host again, and rewrite env.sh/env.json. Prints the allocation id (the same after every reset: moto's
# random source is seeded right after the reset).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -s $RUN/moto-url ]] || die "sandbox is not up"
moto_reset
write_env
cat "$RUN/eip-allocation-id"
