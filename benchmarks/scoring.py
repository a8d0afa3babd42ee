"""Scoring 5,000 respondents on the full default model (target: under 1 s on a 2-core machine)."""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from prodops.core.responses import Respondent, Responses

from prodops.inputs.answers import load_responses
from prodops.core.assessment import assess
from prodops.inputs.models import load_model

TARGET_SECONDS = 1.0


def make_responses(n: int, seed: int = 7) -> Responses:
    model = load_model()
    rng = random.Random(seed)
    roles = [r.id for r in model.roles]
    choices = [p.value for p in model.answer_scale] + [None]
    people = []
    for i in range(n):
        # most people answer most criteria; some leave a few out
        answers = {c.id: rng.choice(choices) for c in model.criteria if rng.random() > 0.05}
        people.append(Respondent(f"r{i:05d}", rng.choice(roles), answers))
    return Responses("Bench Inc", dt.date(2026, 10, 1), tuple(people))


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(n: int = 5000) -> dict:
    model = load_model()
    responses = make_responses(n)
    answers = sum(len(r.answers) for r in responses.respondents)
    score_s = best_of(lambda: assess(model, responses))

    # the same respondents through an answers file, as `prodops assess FILE` reads them
    label = {p.value: p.label for p in model.answer_scale}
    doc = {"organization": responses.organization, "date": "2026-10-01", "respondents": [
        {"id": r.id, "role": r.role, "answers": {c: "N/A" if v is None else label[v] for c, v in r.answers.items()}}
        for r in responses.respondents]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.json"
        path.write_text(json.dumps(doc))
        parse_s = best_of(lambda: load_responses(model, [path]), repeat=3)
    return {"respondents": n, "criteria": len(model.criteria), "answers": answers,
            "score_seconds": score_s, "parse_file_seconds": parse_s, "target_seconds": TARGET_SECONDS}


def report(figures: dict) -> bool:
    ok = figures["score_seconds"] < figures["target_seconds"]
    print(f"scoring: {figures['respondents']:,} respondents x {figures['criteria']} criteria "
          f"({figures['answers']:,} answers)")
    print(f"  score (assess)           {figures['score_seconds'] * 1000:8.1f} ms   "
          f"target < {figures['target_seconds'] * 1000:.0f} ms  {'OK' if ok else 'OVER TARGET'}")
    print(f"  read + validate the file {figures['parse_file_seconds'] * 1000:8.1f} ms   (JSON answers file, for reference)")
    return ok
