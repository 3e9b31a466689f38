#!/usr/bin/env bash
# Sets up (packages, build) and runs Traveller.
#   ./run.sh                 the workbench window (needs a display)
#   ./run.sh train book-gru  any traveller-cli command (see ./run.sh --help)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$root/scripts/setup.sh" -DTRAVELLER_BUILD_GUI=ON -DTRAVELLER_BUILD_TESTS=OFF
bin="${TRAVELLER_BUILD_DIR:-$root/build}/bin"
if [ $# -gt 0 ]; then
  exec "$bin/traveller-cli" "$@"
fi
if [ -x "$bin/traveller" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec "$bin/traveller"
fi
echo "No display (or no GUI build): here is the command-line front end." >&2
exec "$bin/traveller-cli" --help
