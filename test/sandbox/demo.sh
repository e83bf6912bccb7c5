#!/usr/bin/env bash
# The README's demo: the hoist wizard end to end against the local sandbox, with a built-in hoist.yml.
# It brings the sandbox up (installing missing Debian packages), writes a demo stack directory, and runs
# `hoist up` there. Run it again to see a resume (every step already done); tear down with down.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "The sandbox needs root (network namespace, a user, daemons): run it as root." >&2
  exit 2
fi
"$here/install-packages.sh"
"$here/up.sh"
# shellcheck disable=SC1091
. "${HOIST_SANDBOX_DIR:-/var/lib/hoist-sandbox}/env.sh"

demo=${HOIST_DEMO_DIR:-$HOIST_SANDBOX_DIR/demo}
mkdir -p "$demo"
cp "$HOIST_SANDBOX_COMPOSE_FILE" "$demo/docker-compose.yml"
if [ ! -f "$demo/hoist.yml" ]; then
  cat > "$demo/hoist.yml" <<YAML
# The demo stack: the fixture app of test/fixtures/app, deployed to the sandbox's "EC2 instance".
stack: demo
domain: $HOIST_SANDBOX_DOMAIN
compose:
  service: web
  port: 8080
aws:
  sshCidr: 10.77.0.1/32                       # the sandbox host's side of the network
  instanceType: t3.micro
  elasticIp: $HOIST_SANDBOX_EIP_ALLOCATION_ID   # pre-allocated in the emulator as 10.77.0.2, the SSH host
acme:
  directory: $HOIST_SANDBOX_ACME_DIRECTORY        # Pebble, never Let's Encrypt
  caRoot: $HOIST_SANDBOX_ACME_CA
registry:
  server: $HOIST_SANDBOX_REGISTRY
  username: $HOIST_SANDBOX_REGISTRY_USER
YAML
fi
export HOIST_REGISTRY_TOKEN=$HOIST_SANDBOX_REGISTRY_PASSWORD

echo
echo "Demo stack in $demo: running hoist up"
cd "$demo"
status=0
node "$repo/dist/source/cli.js" up || status=$?
cat <<TXT

Try next (from $demo, with: . $HOIST_SANDBOX_DIR/env.sh):
  node $repo/dist/source/cli.js status
  node $repo/dist/source/cli.js up             # resumes: every step is already done
  node $repo/dist/source/cli.js destroy --yes
  $here/down.sh                                # stops the sandbox
TXT
exit "$status"
