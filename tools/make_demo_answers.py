"""Writes the demo's answers files (src/prodops/examples/demo/*.yaml) from the story below.

Northwind Cloud, a fictional 200-person SaaS company, assesses its Product Ops maturity once a
quarter. Q1: no Product Ops role yet (Level 1). Q2: a Product Ops lead has joined, a shared sprint
template and core metric definitions exist (Level 2). Q3: the Playbook, the north star and
feedback intake are under way, so part of Level 3 holds; leadership rates the Playbook and the
driver tree higher than the PMs who live with them.

Run `python tools/make_demo_answers.py` after changing the story; the output is committed.
"""

from __future__ import annotations

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
    ("hana", "design", "Hana Ito", None),
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
    criteria = [c for c in _criteria_ids()]
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
        header = f"# Demo data written for prodops (fictional company). Generated by tools/make_demo_answers.py.\n"
        path.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
