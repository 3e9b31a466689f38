#!/usr/bin/env bash
# Peak memory of `traveller-cli inspect` per character of text (issue 25).
# Reads texts of 8, 32 and 128 KiB (lower-case letters and spaces from the
# corpus, which the book's model reads one character each) through
# `--text-file -` and reports each run's peak resident set size
# (/usr/bin/time's %M, the kernel's getrusage ru_maxrss), the JSON's size and
# the memory per character above a 64-character reading.
#
#   bench/inspect_memory.sh [CHECKPOINT]
#
# Without CHECKPOINT it trains the book's GRU at hidden 32 first (a few
# seconds). CLI (default build/bin/traveller-cli), SIZES (KiB, default
# "8 32 128") and TRAVELLER_DATA_DIR (the corpus) may be set; VIA=argv passes
# the text as `--text TEXT` instead, for builds without --text-file (one
# argument holds at most 128 KiB - 1 bytes: the last character is left out).
set -euo pipefail
CLI=${CLI:-build/bin/traveller-cli}
SIZES=${SIZES:-8 32 128}
VIA=${VIA:-file}
DATA=${TRAVELLER_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/traveller/data}
export TRAVELLER_DATA_DIR=$DATA
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ckpt=${1:-}
if [[ -z $ckpt ]]; then
  ckpt=$work/gru32.pt
  "$CLI" train book-gru --set train.epochs=2 --set model.hidden=32 --set data.max_tokens=4000 \
         --checkpoint "$ckpt" --quiet > /dev/null
fi

# Letters and single spaces, repeated until long enough.
tr -cs 'A-Za-z' ' ' < "$DATA/timemachine.txt" | tr 'A-Z' 'a-z' > "$work/letters"
while [[ $(stat -c %s "$work/letters") -lt $((200 * 1024)) ]]; do
  cat "$work/letters" "$work/letters" > "$work/twice" && mv "$work/twice" "$work/letters"
done

# One reading: "<peak RSS KiB> <seconds> <JSON bytes>".
measure() {
  head -c "$1" "$work/letters" > "$work/text"
  if [[ $VIA == argv ]]; then
    /usr/bin/time -f '%M %e' -o "$work/time" "$CLI" inspect "$ckpt" --no-saliency \
      --text "$(head -c $((128 * 1024 - 1)) "$work/text")" 2> /dev/null | wc -c > "$work/bytes"
  else
    /usr/bin/time -f '%M %e' -o "$work/time" "$CLI" inspect "$ckpt" --no-saliency --text-file - < "$work/text" \
      2> /dev/null | wc -c > "$work/bytes"
  fi
  echo "$(cat "$work/time") $(cat "$work/bytes")"
}

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
echo "checkpoint: $ckpt"
read -r baseKiB _ _ < <(measure 64)
echo "base (64 characters): peak RSS $((baseKiB / 1024)) MiB"
echo
echo "| text | characters | peak RSS | above the base | per character | JSON | seconds |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for kib in $SIZES; do
  chars=$((kib * 1024))
  read -r peakKiB seconds bytes < <(measure "$chars")
  awk -v k="$kib" -v c="$chars" -v p="$peakKiB" -v b="$baseKiB" -v j="$bytes" -v s="$seconds" 'BEGIN {
    printf "| %d KiB | %d | %.0f MiB | %.0f MiB | %.2f KiB | %.0f MB | %s |\n",
           k, c, p / 1024, (p - b) / 1024, (p - b) / (c - 64), j / 1e6, s }'
done
