#!/usr/bin/env bash
# Run each coverage-guided fuzz target (tests/fuzz/fuzz.py TARGET) for a bounded time; exit 1 on any finding.
#
#   bash scripts/run_fuzz.sh                 # 40 s per target: cab, metadata, wim
#   FUZZ_SECONDS=120 FUZZ_TARGETS="cab" bash scripts/run_fuzz.sh
#
# Seeds: the committed corpus tests/fuzz/corpus/<target>/, plus, when ../shared (or $PKGINSPECT_SHARED) is
# there, the libmspack cab corpus and the real samples (read in place, never copied). New inputs go to a
# temporary folder; crashes, hangs and out-of-memory inputs go to $FUZZ_FINDINGS (default fuzz-findings/).
# Uses atheris (installed here if missing); without it each target falls back to a plain mutator.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-40}"
targets="${FUZZ_TARGETS:-cab metadata wim}"
findings="${FUZZ_FINDINGS:-fuzz-findings}"
python="${PYTHON:-python3}"

if ! "$python" -c "import atheris" 2>/dev/null; then
    "$python" -m pip install -q atheris >/dev/null 2>&1 \
        || echo "run_fuzz: atheris could not be installed; using the fallback mutator" >&2
fi

shared="${PKGINSPECT_SHARED:-../shared}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pkginspect-fuzz-XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$findings"

status=0
for target in $targets; do
    corpus=("tests/fuzz/corpus/$target")
    max_len=262144
    case "$target" in
        cab)
            [ -d "$shared/samples/cab-corpus" ] && corpus+=("$shared/samples/cab-corpus")
            [ -d "$shared/samples/real" ] && corpus+=("$shared/samples/real")
            max_len=1048576
            ;;
        metadata) max_len=65536 ;;
    esac
    mkdir -p "$work/$target"
    echo "== fuzz_$target: ${seconds}s, seeds: ${corpus[*]}" >&2
    "$python" "tests/fuzz/fuzz.py" "$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len="$max_len" \
        -print_final_stats=1 -artifact_prefix="$findings/$target-" \
        "$work/$target" "${corpus[@]}"
    code=$?
    if [ "$code" -ne 0 ]; then
        echo "== fuzz_$target: FINDING (exit $code); inputs in $findings/" >&2
        status=1
    fi
done

rmdir "$findings" 2>/dev/null || true
[ "$status" -eq 0 ] && echo "run_fuzz: no finding in ${targets// /, } (${seconds}s each)" >&2
exit "$status"
