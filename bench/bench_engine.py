"""Assessments per second over a varied, generated answer set (target: thousands per core).

Run: .venv/bin/python bench/bench_engine.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any

from crampcare.assess import assess
from crampcare.assess.engine import assess_data
from crampcare.assess.interview import drop_unusable
from crampcare.knowledge import load_knowledge
from crampcare.knowledge.schema import Question


def random_answer(question: Question, rng: random.Random) -> Any:
    if question.type == "yes_no":
        # Warning signs are rare in real answers; other yes/no questions less so.
        return rng.random() < (0.03 if question.section == "warning_signs" else 0.3)
    if question.type == "number":
        assert question.min is not None and question.max is not None
        value = rng.uniform(question.min, question.max)
        return int(value) if question.integer else round(value, 1)
    real = [c for c in question.choice_ids if c != "none"]
    if question.type == "single":
        return rng.choice(question.choice_ids)
    return rng.sample(real, rng.randint(1, min(3, len(real))))


def answer_sets(count: int, seed: int = 1) -> list[dict[str, Any]]:
    kb = load_knowledge()
    rng = random.Random(seed)
    questions = list(kb.questions.values())
    # Only answers a person could be shown (the engine refuses the others).
    return [drop_unusable(kb, {q.id: random_answer(q, rng) for q in questions if rng.random() < 0.6})
            for _ in range(count)]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    load_knowledge()
    sets = answer_sets(count)
    for answers in sets[:50]:
        assess(answers)  # warm up
    start = time.perf_counter()
    levels: dict[str, int] = {}
    for answers in sets:
        result = assess(answers)
        levels[result.urgency] = levels.get(result.urgency, 0) + 1
    elapsed = time.perf_counter() - start
    print(f"assessments: {count} varied answer sets (about 60 % of {len(load_knowledge().questions)} questions each)")
    print(f"elapsed:     {elapsed:.2f} s on one core")
    print(f"throughput:  {count / elapsed:,.0f} assessments per second (target: thousands per core)")
    print(f"per call:    {elapsed / count * 1e6:,.0f} µs")
    print(f"urgency mix: {levels}")
    start = time.perf_counter()
    for answers in sets:
        assess_data(answers)
    raw = time.perf_counter() - start
    print(f"assess_data (plain data, no model validation, used by the API): {count / raw:,.0f} per second")


if __name__ == "__main__":
    main()
