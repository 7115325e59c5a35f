#!/usr/bin/env bash
# The Debian/Ubuntu packages pkginspect needs, listed once: the README and .ci/run both call this script.
#
#   bash scripts/install-system-deps.sh [--dry-run] [GROUP...]
#
#   runtime  (default) libarchive (LZX cabinets), wimlib (WIM images) and python3-venv: what pkginspect loads
#   test     runtime + cabextract and 7-Zip, the reference tools the tests compare against
#   ci       test + bsdtar and Chromium (the HTML report is rendered in a test)
#   bench    cabextract and bsdtar, the tools the benchmarks time
#
# Runs apt-get directly as root (containers have no sudo) and through sudo otherwise. --dry-run prints the
# commands instead of running them.
set -euo pipefail

runtime=(libarchive13 libwim15 wimtools python3-venv)
test=(cabextract p7zip-full)
ci=(libarchive-tools chromium)
bench=(cabextract libarchive-tools)

dry_run=0
groups=()
for arg in "$@"; do
    case "$arg" in
        --dry-run) dry_run=1 ;;
        runtime | test | ci | bench) groups+=("$arg") ;;
        -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install-system-deps.sh: unknown group '$arg' (runtime, test, ci, bench)" >&2; exit 2 ;;
    esac
done
[ ${#groups[@]} -gt 0 ] || groups=(runtime)

packages=()
for group in "${groups[@]}"; do
    case "$group" in
        runtime) packages+=("${runtime[@]}") ;;
        test) packages+=("${runtime[@]}" "${test[@]}") ;;
        ci) packages+=("${runtime[@]}" "${test[@]}" "${ci[@]}") ;;
        bench) packages+=("${bench[@]}") ;;
    esac
done
# Each package once, in first-seen order.
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | awk '!seen[$0]++')

sudo=()
if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1 && [ "$dry_run" = 0 ]; then
        echo "install-system-deps.sh: run as root, or install sudo, to install: ${packages[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi

run() {
    if [ "$dry_run" = 1 ]; then
        echo "$*"
    else
        "$@"
    fi
}
run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
