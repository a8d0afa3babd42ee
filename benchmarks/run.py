"""Run every benchmark and print its figures: `make bench` (or `python benchmarks/run.py`); exits 1 when
one misses its target. `--large` adds the sprint-issues import at ten million rows (one run each,
about two minutes and 8 GB more)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import autosave_floor
import big_workspace
import report
import scoring
import sprint_issues
import startup
import web


def main() -> int:
    ok = scoring.report(scoring.run())
    print()
    large = sprint_issues.run(sprint_issues.LARGE_ROWS, runs=1) if "--large" in sys.argv[1:] else None
    ok = sprint_issues.report(sprint_issues.run(), large) and ok
    print()
    ok = report.report(report.run()) and ok
    print()
    ok = startup.report(startup.run()) and ok
    print()
    ok = web.report(web.run()) and ok
    print()
    ok = autosave_floor.report(autosave_floor.run()) and ok
    print()
    ok = big_workspace.report(big_workspace.run()) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
