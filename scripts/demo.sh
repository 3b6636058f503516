#!/usr/bin/env bash
# The whole product on one machine, offline: the Telegram and Stripe simulators, a fresh
# SQLite install configured by `premiumbot setup --non-interactive`, `premiumbot serve`, and the
# sandbox page (fan chat, admin forum, payments) on http://127.0.0.1:8083/.
# Everything lives in ./demo (delete it to start over). Ctrl-C stops it all.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/bin/premiumbot"
dir="${PREMIUMBOT_DEMO_DIR:-$root/demo}"
mkdir -p "$dir"
cd "$dir"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ ! -f "$root/dist/cli/main.js" ] || [ ! -f "$root/dist/sandbox/ui/public/js/main.js" ]; then
  (cd "$root" && npm run build)
fi

rm -f sandbox.env
node "$bin" sandbox --ui --write-env sandbox.env >sandbox.log 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  [ -f sandbox.env ] && break
  sleep 0.1
done
[ -f sandbox.env ] || { cat sandbox.log >&2; echo "the sandbox did not start (see above)" >&2; exit 1; }

# The sandbox's values win over an older .env; setup keeps everything else.
set -a
# shellcheck disable=SC1091
. ./sandbox.env
set +a
# The demo's catalog sells by card and in Telegram Stars (edit products.yaml, then products sync).
[ -f products.yaml ] || cp "$root/templates/products.demo.yaml" products.yaml
node "$bin" setup --non-interactive --catalog products.yaml

node "$bin" serve &
pids+=($!)
for _ in $(seq 1 100); do
  node -e "fetch('http://127.0.0.1:${PORT:-8080}/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && break
  sleep 0.2
done
node "$bin" doctor || true
echo
page="$(sed -n 's/^Sandbox page: *\([^ ]*\).*/\1/p' sandbox.log)"
echo "premiumbot is serving against the sandbox (Ctrl-C to stop)."
echo
echo "Open the sandbox page: ${page}"
echo "(a fan's chat on the left, your admin group on the right, payments and the clock below)."
echo
echo "Scripts can act as a fan or an admin through the control APIs: ${TELEGRAM_API_ROOT}/_sim/ and"
echo "${STRIPE_API_BASE}/_sim/ (see docs/sandbox.md)."
wait "${pids[-1]}"
