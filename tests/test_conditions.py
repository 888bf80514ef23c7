from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from crampcare.knowledge.conditions import Condition, evaluate

adapter: TypeAdapter[Condition] = TypeAdapter(Condition)


def cond(data: object) -> Condition:
    return adapter.validate_python(data)


@pytest.mark.parametrize(
    ("op", "value", "actual", "expected"),
    [
        ("eq", True, True, True), ("eq", True, False, False), ("ne", 1, 2, True),
        ("lt", 4, 3, True), ("le", 4, 4, True), ("gt", 4, 4, False), ("ge", 4, 4, True),
        ("in", ["a", "b"], "a", True), ("in", ["a"], "c", False),
        ("contains", "calf", ["calf", "toes"], True), ("contains", "thigh", ["calf"], False),
        ("intersects", ["x", "calf"], ["calf"], True), ("intersects", ["x"], ["calf"], False),
        ("answered", None, 0, True), ("answered", None, None, False),
        ("unanswered", None, None, True), ("unanswered", None, False, False),
        ("lt", 4, "three", False),
    ],
)
def test_leaf_operators(op: str, value: object, actual: object, expected: bool) -> None:
    assert evaluate(cond({"fact": "f", "op": op, "value": value}), {"f": actual}) is expected


def test_unanswered_fact_never_fires_a_comparison() -> None:
    for op in ("eq", "ne", "lt", "ge", "in", "contains"):
        assert evaluate(cond({"fact": "f", "op": op, "value": 1}), {}) is False


def test_all_any_not_and_full_trace() -> None:
    condition = cond({"all": [{"fact": "a", "op": "eq", "value": 1},
                              {"any": [{"fact": "b", "op": "gt", "value": 5}, {"not": {"fact": "c", "op": "eq", "value": True}}]}]})
    trace: list[dict[str, object]] = []
    assert evaluate(condition, {"a": 1, "b": 2, "c": False}, trace) is True
    assert [(leaf["fact"], leaf["result"]) for leaf in trace] == [("a", True), ("b", False), ("c", False)]


def test_rejects_unknown_operator_and_extra_keys() -> None:
    with pytest.raises(ValueError):
        cond({"fact": "a", "op": "eval", "value": "1"})
    with pytest.raises(ValueError):
        cond({"fact": "a", "op": "eq", "value": 1, "extra": 2})
