"""Run every benchmark and print its figures: `make bench` (or `python benchmarks/run.py`)."""

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
    ok = sprint_issues.report(sprint_issues.run()) and ok
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
