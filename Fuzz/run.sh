#!/bin/sh
# Fuzz/run.sh TARGET SECONDS — builds Fuzz/TARGET with libFuzzer and AddressSanitizer
# (swiftc -sanitize=fuzzer,address -parse-as-library; the harness plus the sources listed in
# Fuzz/TARGET/sources) and runs it for SECONDS (default 60).
# New inputs go to .build/fuzz/TARGET/corpus (the committed seeds in Fuzz/TARGET/corpus are
# only read); a crashing input is saved in .build/fuzz/TARGET/ and the script exits non-zero.
set -eu
target=${1:?usage: Fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/Fuzz/$target"
out="$root/.build/fuzz/$target"
[ -f "$dir/sources" ] || { echo "no fuzz target $target (missing $dir/sources)" >&2; exit 2; }
mkdir -p "$out/corpus"
sources=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e "s|^|$root/|" "$dir/sources")
# shellcheck disable=SC2086  # one path per word
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -o "$out/fuzzer" "$dir"/*.swift $sources
dict=""
[ -f "$dir/http.dict" ] && dict="-dict=$dir/http.dict"
SWIFT_BACKTRACE=enable=no "$out/fuzzer" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$out/" $dict "$out/corpus" "$dir/corpus"
