#!/usr/bin/env bash
# Sets up (packages, build with tests) and runs the whole test suite.
# The tests read the corpora from ../shared/data (override: TRAVELLER_DATA_DIR).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data="${TRAVELLER_DATA_DIR:-$root/../shared/data}"
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi  # CI treats warnings as errors
"$root/scripts/setup.sh" -DTRAVELLER_BUILD_GUI=ON -DTRAVELLER_BUILD_TESTS=ON -DTRAVELLER_TEST_DATA_DIR="$data" \
  -DTRAVELLER_WERROR=$werror
cd "${TRAVELLER_BUILD_DIR:-$root/build}"
ctest --output-on-failure --timeout 900 "$@"
