#!/usr/bin/env bash
# Sandbox extra: a stand-in for AWS's address echo (https://checkip.amazonaws.com), which `hoist init` may ask for
# the address to let SSH in from. It answers every GET with the caller's address and a newline, as the real one does.
# Idempotent: starts it when it does not run; its URL goes into env.sh/env.json as HOIST_SANDBOX_CHECKIP_URL.
# Stopped by down.sh with the other recorded daemons (start_daemon records it in the manifest).
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_root
CHECKIP_PORT=14080
url="http://$HOST_IP:$CHECKIP_PORT/"

if ! daemon_alive checkip; then
	start_daemon checkip python3 -c '
import http.server, sys
class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (self.client_address[0] + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Echo).serve_forever()
' "$HOST_IP" "$CHECKIP_PORT"
	wait_for checkip 10 curl -sf -m 2 "$url"
	log "checkip stand-in answers on $url"
fi

# Its setting next to the others, in env.sh and env.json now and whenever write_env writes them again.
{ grep -v '^HOIST_SANDBOX_CHECKIP_URL=' "$RUN/extras.env" 2>/dev/null || true; echo "HOIST_SANDBOX_CHECKIP_URL=$url"; } >"$RUN/extras.env.tmp"
mv "$RUN/extras.env.tmp" "$RUN/extras.env"
write_env
