#!/usr/bin/env bash
# The nightly job of the Openness Index: refresh the index, write the leaderboard CSV and
# the HTML page, and commit what the run recorded (git scraping: snapshots/ and
# leaderboard.csv), so the repository's history is the index's history.
#
# Usage: deploy/nightly.sh [REFRESH OPTIONS...]
#   Options are passed to `openness refresh` (e.g. --registry FILE, --replay DIR).
# Environment (all optional):
#   OPENNESS       the openness command             [default: .venv/bin/openness]
#   OPENNESS_DB    the DuckDB index                 [default: openness.duckdb]
#   SITE_DIR       where the page is written        [default: site]
#   NIGHTLY_LOCK   the lock file                    [default: $OPENNESS_DB.nightly.lock]
#   NIGHTLY_COMMIT 1: commit snapshots/ and leaderboard.csv; 0: only write them [default: 1]
#   NIGHTLY_PUSH   1: git push after committing     [default: 0]
# Exit status: 0 done; 75 another nightly run holds the lock (nothing was done);
# otherwise the failing step's (a rejected refresh exits 3 and publishes nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

openness="${OPENNESS:-.venv/bin/openness}"
export OPENNESS_DB="${OPENNESS_DB:-openness.duckdb}"
site="${SITE_DIR:-site}"
lock="${NIGHTLY_LOCK:-$OPENNESS_DB.nightly.lock}"

# One run at a time: a second one (cron and the timer both, or a slow night) leaves at once.
exec 9>"$lock"
if ! flock --nonblock 9; then
    echo "nightly: another run holds $lock; not starting a second one" >&2
    exit 75
fi

"$openness" refresh --quiet "$@"
mkdir -p "$site"
"$openness" leaderboard --format csv --output leaderboard.csv
"$openness" leaderboard --format html --output "$site/index.html"

if [ "${NIGHTLY_COMMIT:-1}" = 1 ]; then
    # snapshots/ is ignored for day-to-day work; the nightly job is what keeps it (a
    # replay records nothing, so there may be none).
    tracked=(leaderboard.csv)
    if [ -d snapshots ]; then tracked+=(snapshots/); fi
    git add --force -- "${tracked[@]}"
    if git diff --cached --quiet; then
        echo "nightly: nothing changed"
    else
        git commit --quiet -m "Nightly refresh $(date -u +%Y-%m-%d)"
        echo "nightly: committed $(git rev-parse --short HEAD)"
        if [ "${NIGHTLY_PUSH:-0}" = 1 ]; then
            git push --quiet
        fi
    fi
fi
