"""Writes the demo's data (src/prodops/examples/demo/) from the story below.

Northwind Cloud, a fictional 200-person SaaS company, assesses its Product Ops maturity once a
quarter. Q1: no Product Ops role yet (Level 1). Q2: a Product Ops lead has joined, a shared sprint
template and core metric definitions exist (Level 2). Q3: the Playbook, the north star and
feedback intake are under way, so part of Level 3 holds; leadership rates the Playbook and the
driver tree higher than the PMs who live with them.

Value data: six teams' sprints over two years. Before the Playbook (adopted 2026-04-06) sprint
lengths and start days vary and teams complete about 60 % of what they commit; after it, every team
runs two-week sprints from Monday and completes about 80 %. Four teams report sprint summaries; two
export issue-level sprint reports. PMs answered a time survey when Product Ops started (April 2026)
and again 90 days later. Two years of launches with GTM checklists: few succeed in 2025, more in 2026.

Run `python tools/make_demo_data.py` after changing the story; the output is committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "src" / "prodops" / "examples" / "demo"
SCALE = [0.0, 0.25, 0.5, 0.75, 1.0]
LABELS = {0.0: "No", 0.25: "Started", 0.5: "Partly", 0.75: "Mostly", 1.0: "Fully"}

PEOPLE = [  # id, role, name, team
    ("ana", "pm", "Ana Souza", "Payments"),
    ("ben", "pm", "Ben Okafor", "Onboarding"),
    ("chen", "pm", "Chen Wei", "Analytics"),
    ("dara", "pm", "Dara Kelly", "Platform"),
    ("eli", "product-ops", "Eli Novak", None),
    ("fay", "engineering", "Fay Lindqvist", "Payments"),
    ("gus", "engineering", "Gus Romero", "Platform"),
    ("hana", "design", "Hana Ito", "Onboarding"),
    ("ivan", "leadership", "Ivan Petrov (VP Product)", None),
    ("jo", "leadership", "Jo Adeyemi (CPO)", None),
    ("kim", "gtm", "Kim Larsen (Product Marketing)", None),
]

# The true state of each criterion per quarter (0..1); anything not listed is 0.
QUARTERS = {
    "2026-03-31": {
        "om-2-role": 0.0, "om-2-coordination": 0.25, "om-2-overhead": 0.25, "om-2-knowledge": 0.5,
        "pp-2-sprint-template": 0.5, "pp-2-cadence": 0.4, "ma-2-standard-metrics": 0.5,
        "dp-2-planning-on-time": 0.4, "bi-2-time-baseline": 0.0, "gtm-3-launch-checklist": 0.3,
        "fb-2-channel": 0.5, "ex-2-release-check": 0.25, "gtm-2-launch-heads-up": 0.5,
        "pp-3-retro-cadence": 0.5, "dp-3-roadmap-format": 0.3,
    },
    "2026-06-30": {
        "om-2-role": 1.0, "om-2-coordination": 0.85, "om-2-overhead": 0.9, "om-2-knowledge": 0.85,
        "pp-2-sprint-template": 0.95, "pp-2-cadence": 0.85, "ma-2-standard-metrics": 0.85,
        "dp-2-planning-on-time": 0.85, "bi-2-time-baseline": 1.0, "om-3-proactive": 0.4,
        "fb-2-channel": 0.85, "ex-2-release-check": 0.8, "gtm-2-launch-heads-up": 0.9,
        "pp-3-playbook-inventory": 0.6, "pp-3-playbook-documented": 0.3, "pp-3-retro-cadence": 0.6,
        "ma-3-north-star": 0.4, "fb-3-systematic": 0.5, "fb-3-prioritized": 0.3,
        "dp-3-discovery": 0.4, "dp-3-roadmap-format": 0.6, "gtm-3-coordination": 0.5,
        "gtm-3-launch-checklist": 0.6, "ex-3-hypotheses": 0.2,
    },
    "2026-09-30": {
        "om-2-role": 1.0, "om-2-coordination": 0.95, "om-2-overhead": 0.9, "om-2-knowledge": 0.95,
        "pp-2-sprint-template": 1.0, "pp-2-cadence": 0.95, "ma-2-standard-metrics": 0.95,
        "dp-2-planning-on-time": 0.9, "bi-2-time-baseline": 1.0,
        "fb-2-channel": 0.95, "ex-2-release-check": 0.9, "gtm-2-launch-heads-up": 0.95,
        "om-3-proactive": 0.9, "fb-3-systematic": 0.9, "fb-3-prioritized": 0.85,
        "dp-3-discovery": 0.85, "dp-3-roadmap-format": 0.95,
        "gtm-3-coordination": 0.85, "gtm-3-launch-checklist": 0.9,
        "pp-3-playbook-inventory": 0.95, "pp-3-playbook-documented": 0.85, "pp-3-playbook-practiced": 0.45,
        "pp-3-retro-cadence": 0.85, "ma-3-north-star": 0.85, "ma-3-driver-tree": 0.55,
        "ma-3-analytics-standard": 0.45, "ma-3-dashboards": 0.6, "ma-3-data-dictionary": 0.3,
        "bi-3-time-savings": 0.9, "bi-3-predictability-change": 0.45, "ex-3-hypotheses": 0.4,
        "pp-4-process-measures": 0.2, "om-4-outcomes": 0.15, "ex-4-ab-platform": 0.25,
    },
}

# Who sees what differently: leadership is more optimistic about the Playbook and the driver
# tree than the PMs who work with them; PMs feel their own overhead more.
BIAS = {
    ("leadership", "pp-3-playbook-practiced"): 0.45, ("pm", "pp-3-playbook-practiced"): -0.15,
    ("leadership", "ma-3-driver-tree"): 0.4, ("pm", "ma-3-driver-tree"): -0.2,
    ("leadership", "bi-3-predictability-change"): 0.3,
    ("pm", "om-2-overhead"): -0.1, ("product-ops", "om-3-proactive"): 0.1,
}
# Criteria a role cannot judge and answers N/A.
NOT_APPLICABLE = {
    "engineering": ("gtm-", "bi-"), "design": ("bi-", "ex-4-significance"), "gtm": ("ex-", "pp-2-cadence"),
}
NOTES = {
    ("eli", "pp-3-playbook-documented"): "https://wiki.northwind.example/product-ops/playbook",
    ("eli", "bi-2-time-baseline"): "Baseline survey of 14 PMs, April 2026",
    ("ivan", "ma-3-north-star"): "North star: weekly active paying teams (agreed at the June offsite)",
    ("ana", "pp-3-playbook-practiced"): "Payments still skips the discovery template under deadline pressure",
    ("jo", "ma-3-driver-tree"): "Driver tree signed off by Product, Eng and Marketing; Sales and CS pending",
}


def snap(x: float) -> float:
    return min(SCALE, key=lambda s: abs(s - x))


def answers_for(date: str, truth: dict[str, float], rng: random.Random) -> dict:
    criteria = list(_criteria_ids())
    people = [p for p in PEOPLE if not (p[1] == "product-ops" and date == "2026-03-31")]  # no Product Ops in Q1
    respondents = []
    for pid, role, name, team in people:
        answers = {}
        for cid in criteria:
            if any(cid.startswith(prefix) for prefix in NOT_APPLICABLE.get(role, ())):
                answers[cid] = "N/A"
                continue
            if role == "design" and cid.startswith("ma-3") and date != "2026-09-30":
                continue  # design skipped the metrics section in the first two rounds
            value = truth.get(cid, 0.0) + BIAS.get((role, cid), 0.0) + rng.gauss(0, 0.1)
            answers[cid] = LABELS[snap(max(0.0, min(1.0, value)))]
        person = {"id": pid, "role": role, "name": name}
        if team:
            person["team"] = team
        person["answers"] = answers
        notes = {cid: text for (who, cid), text in NOTES.items() if who == pid and cid in answers}
        if notes and date != "2026-03-31":
            person["notes"] = notes
        respondents.append(person)
    return {"organization": "Northwind Cloud", "date": date, "model": "prodops-maturity@1.0.0",
            "respondents": respondents}


def _criteria_ids() -> list[str]:
    model = yaml.safe_load((OUT.parents[1] / "model" / "default.yaml").read_text())
    return [c["id"] for c in model["criteria"]]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for i, (date, truth) in enumerate(QUARTERS.items(), 1):
        doc = answers_for(date, truth, random.Random(1000 + i))
        path = OUT / f"{date}-q{i}.yaml"
        header = "# Demo data written for prodops (fictional company). Generated by tools/make_demo_data.py.\n"
        path.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110))
        print(f"wrote {path}")
    write_sprints(random.Random(7))
    write_time_survey(random.Random(8))
    write_launches(random.Random(9))
    write_revenue(random.Random(10))


PLAYBOOK = dt.date(2026, 4, 6)
FIRST, LAST = dt.date(2024, 10, 7), dt.date(2026, 9, 27)
SUMMARY_TEAMS = ["Payments", "Onboarding", "Analytics", "Platform"]
ISSUE_TEAMS = ["Mobile", "Growth"]


def _sprint_calendar(rng: random.Random, team_index: int):
    """(start, end) pairs: irregular before the Playbook, two weeks from Monday after it."""
    start = FIRST + dt.timedelta(days=team_index % 3)
    while start <= LAST:
        if start < PLAYBOOK:
            length = rng.choice([14, 14, 21, 10])
            gap = rng.choice([0, 0, 1, 3])  # planning that starts late
        else:
            start = start + dt.timedelta(days=(7 - start.weekday()) % 7)  # back to Monday
            length, gap = 14, 0
        end = start + dt.timedelta(days=length - 1)
        yield start, end
        start = end + dt.timedelta(days=1 + gap)


def _accuracy(rng: random.Random, start: dt.date) -> float:
    base = 0.6 if start < PLAYBOOK else 0.8
    return max(0.2, min(1.0, rng.gauss(base, 0.1)))


def _write_csv(name: str, header: list[str], rows: list[list]) -> None:
    path = OUT / name
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows)")


def write_sprints(rng: random.Random) -> None:
    summary = []
    for i, team in enumerate(SUMMARY_TEAMS):
        for n, (start, end) in enumerate(_sprint_calendar(rng, i), 1):
            committed = 0 if rng.random() < 0.02 else rng.randint(18, 40)  # the odd sprint nobody planned
            acc = _accuracy(rng, start)
            cc = round(committed * acc)
            added = rng.randint(0, 8 if start < PLAYBOOK else 3)
            removed = rng.randint(0, committed - cc) if committed - cc > 0 else 0
            completed = cc + rng.randint(0, added)
            summary.append([team, f"{team[:3].upper()} {n}", start, end, "points", committed, completed, cc, added, removed])
    _write_csv("sprints.csv", ["team", "sprint", "start", "end", "unit", "committed", "completed",
                               "completed_committed", "added", "removed"], summary)
    issues = []
    for i, team in enumerate(ISSUE_TEAMS, len(SUMMARY_TEAMS)):
        key = 0
        for n, (start, end) in enumerate(_sprint_calendar(rng, i), 1):
            acc = _accuracy(rng, start)
            for j in range(rng.randint(8, 14) + rng.randint(0, 4)):
                key += 1
                is_added = j >= 8 and rng.random() < (0.5 if start < PLAYBOOK else 0.2)
                removed = not is_added and rng.random() < 0.05
                done = not removed and rng.random() < (acc if not is_added else 0.6)
                estimate = "" if team == "Growth" and rng.random() < 0.1 else rng.choice([1, 2, 3, 5, 8])
                issues.append([team, f"{team[:3].upper()} {n}", start, end, f"{team[:3].upper()}-{key}",
                               str(not is_added).lower(), str(is_added).lower(), str(removed).lower(), estimate,
                               str(done).lower()])
    _write_csv("sprint-issues.csv", ["team", "sprint", "start", "end", "issue", "in_sprint_at_start",
                                     "added_during_sprint", "removed_during_sprint", "initial_estimate",
                                     "done_at_end"], issues)


def write_time_survey(rng: random.Random) -> None:
    rows = []
    pms = [f"pm{i:02d}" for i in range(1, 15)]
    for period, date, scale in (("baseline", dt.date(2026, 4, 15), 1.0), ("followup", dt.date(2026, 7, 15), 0.62)):
        for pm in pms:
            if period == "followup" and pm == "pm14":
                continue  # left the company
            hours = [round(max(0.0, rng.gauss(mu * scale, 1.0)), 1) for mu in (6.0, 4.5, 2.0, 2.5)]
            rows.append([pm, period, date, *hours, rng.choice([40, 40, 42, 45]), _team(int(pm[2:]))])
    rows.append(["pm15", "followup", dt.date(2026, 7, 16), 3.0, 2.5, 1.0, 1.5, 40, ""])  # joined after the baseline
    _write_csv("time-survey.csv", ["respondent", "period", "date", "meeting_coordination", "reporting",
                                   "tool_research", "process_design", "work_hours", "team"], rows)


def _team(n: int) -> str:
    """The n-th PM's or launch's team: the six teams in turn (a unit's report shows its own)."""
    return (SUMMARY_TEAMS + ISSUE_TEAMS)[n % 6]


def write_launches(rng: random.Random) -> None:
    names = ["Instant payouts", "Team invites", "Usage dashboard", "SSO for all plans", "Mobile approvals",
             "Smart reminders", "Audit log", "Bulk import", "Slack alerts", "Custom roles", "Spend limits",
             "Invoice OCR", "Multi-currency", "Public API v2", "Offline mode", "Benchmarks", "Templates gallery",
             "Approval chains"]
    functions = {"Marketing": ["Launch blog post", "Release email"], "Sales": ["Pitch deck update", "Sales enablement session"],
                 "CS": ["Help-centre article", "Support team briefing"], "Docs": ["API reference"]}
    launches, checklist = [], []
    for i, name in enumerate(names):
        year = 2025 if i < 10 else 2026
        due = dt.date(year, 1, 20) + dt.timedelta(days=(i % 10) * 33 if year == 2025 else (i - 10) * 30)
        later = year == 2025
        slip = rng.choice([0, 0, 7, 21]) if later else rng.choice([0, 0, 0, 0, 5])
        actual = due + dt.timedelta(days=slip)
        target = rng.choice([200, 500, 1000])
        reached = round(target * (rng.uniform(0.5, 1.3) if later else rng.uniform(0.9, 1.6)))
        adoption_known = not (year == 2026 and i >= 16)  # the newest launches have no first quarter yet
        launches.append([f"L{i + 1:02d}", name, rng.choice([1, 2, 2, 3]), due, actual, "weekly active teams",
                         target, reached if adoption_known else "", _team(i)])
        for function, items in functions.items():
            for item in items:
                done = rng.random() < (0.85 if later else 0.97)
                done_at = actual - dt.timedelta(days=rng.randint(-3 if later else 0, 10)) if done else ""
                checklist.append([f"L{i + 1:02d}", function, item, f"{function.lower()}-lead", str(done).lower(), done_at])
    _write_csv("launches.csv", ["launch", "name", "tier", "original_date", "actual_date", "adoption_metric",
                                "adoption_target", "adoption_q1", "team"], launches)
    _write_csv("launch-checklist.csv", ["launch", "function", "item", "owner", "done", "done_at"], checklist)


def write_revenue(rng: random.Random) -> None:
    """Feedback from 40 accounts drives roadmap items; some accounts renew or expand after they ship."""
    accounts = [f"ACC-{i:03d}" for i in range(1, 41)]
    items = [("R01", "Bulk approvals", dt.date(2025, 11, 10)), ("R02", "Xero sync", dt.date(2026, 1, 19)),
             ("R03", "Per-team budgets", dt.date(2026, 3, 2)), ("R04", "SAML groups", dt.date(2026, 5, 11)),
             ("R05", "Receipt matching", dt.date(2026, 6, 22)), ("R06", "Card controls", None),
             ("R07", "Custom exports", dt.date(2026, 8, 3)), ("R08", "Audit API", None)]
    feedback = []
    for n in range(1, 91):
        account = rng.choice(accounts)
        item = rng.choice([r[0] for r in items]) if rng.random() < 0.55 else ""
        received = dt.date(2025, 7, 1) + dt.timedelta(days=rng.randint(0, 420))
        feedback.append([f"FB-{n:03d}", account, received, "Customer request", item])
    outcomes = []
    for account in accounts:
        arr = rng.choice([12_000, 24_000, 48_000, 96_000])
        date = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 260))
        kind = rng.choices(["renewed", "expanded", "contracted", "churned"], [55, 30, 8, 7])[0]
        after = {"renewed": arr, "expanded": round(arr * rng.uniform(1.2, 1.8)), "contracted": round(arr * 0.7),
                 "churned": 0}[kind]
        outcomes.append([account, date, kind, arr, after])
    _write_csv("feedback.csv", ["feedback", "account", "received", "summary", "roadmap_item"], feedback)
    _write_csv("roadmap-items.csv", ["roadmap_item", "name", "shipped"], [[i, n, s or ""] for i, n, s in items])
    _write_csv("account-outcomes.csv", ["account", "date", "outcome", "arr_before", "arr_after"], outcomes)


if __name__ == "__main__":
    main()
