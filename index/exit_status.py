"""The exit statuses of the `openness` command: one per kind of outcome, so that a
script (cron, CI) can tell a mistake to fix from a run to retry.

Every command ends through these constants; `--help` and the README list them.
"""

from __future__ import annotations

OK = 0
# 1 is left to Python itself: an unexpected error (a bug) that ends in a traceback.
USAGE = 2  # the user's mistake: a bad option, file, registry, SQL or project name
RUN_FAILED = 3  # a refresh ran but was rejected (most fetches failed); the leaderboard is unchanged
CORRUPT_DATABASE = 4  # the --db file exists but is not a readable DuckDB index
LOCKED = 5  # another process (a refresh) holds the database; try again when it is done
FINDINGS = 6  # a check found something to fix (registry check: entries the Hub does not list)
ALREADY_RUNNING = 7  # refresh: another refresh is running on the same database; nothing was done
INTERRUPTED = 130  # SIGINT (Ctrl-C); the run is marked interrupted
TERMINATED = 143  # SIGTERM; the run is marked interrupted

HELP = (
    "Exit status: 0 done; 2 usage error (bad option, file, SQL or project); 3 refresh rejected "
    "(most fetches failed) or discovery listing cut short; 4 corrupt database; 5 database locked by another "
    "process; 6 registry check found entries the Hub does not list; "
    "7 another refresh is running on the same database; "
    "130 / 143 interrupted by SIGINT / SIGTERM."
)
