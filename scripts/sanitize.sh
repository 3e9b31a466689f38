#!/usr/bin/env bash
# Builds Traveller with a sanitizer into its own folder and runs the whole
# test suite there.
#
#   scripts/sanitize.sh address   # ASan + UBSan (-fno-sanitize-recover=all) -> build-asan/
#   scripts/sanitize.sh thread    # TSan                                      -> build-tsan/
#
# Environment: GUI=OFF skips the Qt window and its tests (default ON);
# JOBS=N build jobs (default: every core); CTEST_ARGS extra ctest arguments
# (e.g. "-R Sweep"). The corpora are read from $TRAVELLER_DATA_DIR (default
# ../shared/data, as test.sh). Exit status: ctest's.
set -euo pipefail

kind=${1:-}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$kind" in
  address) folder="$root/build-asan"; flags=(-DTRAVELLER_SANITIZE=ON -DTRAVELLER_TSAN=OFF) ;;
  thread)  folder="$root/build-tsan"; flags=(-DTRAVELLER_SANITIZE=OFF -DTRAVELLER_TSAN=ON) ;;
  *) echo "usage: $0 address|thread" >&2; exit 2 ;;
esac

gui=${GUI:-ON}
jobs=${JOBS:-$(nproc)}
export TRAVELLER_DATA_DIR=${TRAVELLER_DATA_DIR:-$root/../shared/data}
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}

# RelWithDebInfo: reports with lines, tests at a bearable speed.
cmake -S "$root" -B "$folder" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRAVELLER_BUILD_GUI="$gui" \
  -DTRAVELLER_BUILD_TESTS=ON "${flags[@]}"
cmake --build "$folder" -j"$jobs"

# LibTorch and Qt are not instrumented: ASan's leak checker would report
# their process-lifetime allocations, so leaks are off; every other report
# ends the test (halt_on_error). TSan reports go to tsan.<pid> files in the
# build folder for triage (scripts/tsan_triage.py) and neither stop a test
# nor fail it (exitcode=0): a test's verdict is its own assertions. Most are
# OpenMP's barriers in the uninstrumented libgomp (docs/SANITIZERS.md).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:exitcode=0:second_deadlock_stack=1:log_path=$folder/tsan}

cd "$folder"
status=0
# shellcheck disable=SC2086
ctest --output-on-failure --timeout 1800 ${CTEST_ARGS:-} || status=$?
if [ "$kind" = thread ]; then
  reports=$(cat "$folder"/tsan.* 2>/dev/null | grep -c '^WARNING: ThreadSanitizer' || true)
  echo "ThreadSanitizer: $reports report(s) in $folder/tsan.*"
  python3 "$root/scripts/tsan_triage.py" "$folder/tsan" || true
fi
exit $status
