"""The condition language shared by interview branching and assessment rules.

A condition is plain data, so a clinician can read it in the YAML files:

    {"fact": "age", "op": "ge", "value": 60}          a leaf
    {"all": [cond, ...]}                               every one holds
    {"any": [cond, ...]}                               at least one holds
    {"not": cond}                                      the inner one does not hold

Operators: ``eq ne lt le gt ge`` (comparisons), ``in`` (the answer is one of ``value``),
``contains`` (a multiple-choice answer includes ``value``), ``intersects`` (it includes
any of ``value``), ``answered`` and ``unanswered``. A leaf whose fact was not answered is
false (except ``unanswered``), so an unanswered question never fires a rule. There is no
``eval``: the evaluator below is the whole language, and every leaf it visits is traced so
the trace is the explanation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

Operator = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "contains", "intersects", "answered", "unanswered"]


class Leaf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fact: str
    op: Operator
    value: Any = None


class All(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    all: list[Condition] = Field(min_length=1)


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    any: list[Condition] = Field(min_length=1)


class Not(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    not_: Condition = Field(alias="not")


Condition = Union[Leaf, All, AnyOf, Not]
All.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


class LeafResult(BaseModel):
    """One visited leaf: what was asked, what the answer was, whether it held."""

    fact: str
    op: Operator
    value: Any = None
    actual: Any = None
    result: bool


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "answered":
        return actual is not None
    if op == "unanswered":
        return actual is None
    if actual is None:
        return False
    try:
        if op == "eq":
            return bool(actual == expected)
        if op == "ne":
            return bool(actual != expected)
        if op == "lt":
            return bool(actual < expected)
        if op == "le":
            return bool(actual <= expected)
        if op == "gt":
            return bool(actual > expected)
        if op == "ge":
            return bool(actual >= expected)
        if op == "in":
            return actual in expected
        if op == "contains":
            return expected in actual
        if op == "intersects":
            return any(item in actual for item in expected)
    except TypeError:
        # A wrongly typed answer never fires a rule; validation reports it elsewhere.
        return False
    raise ValueError(f"unknown operator {op!r}")


def evaluate(condition: Condition, facts: Mapping[str, Any], trace: list[dict[str, Any]] | None = None) -> bool:
    """Evaluate ``condition`` against ``facts``; append every visited leaf to ``trace``
    as a dict with the fields of :class:`LeafResult`.

    ``all`` and ``any`` visit every child (no short-circuit) so the trace shows the whole
    picture, not just the first deciding leaf.
    """
    if isinstance(condition, Leaf):
        actual = facts.get(condition.fact)
        result = _compare(condition.op, actual, condition.value)
        if trace is not None:
            # Plain dicts (shaped like LeafResult): the assessment validates them all at once.
            trace.append(
                {"fact": condition.fact, "op": condition.op, "value": condition.value, "actual": actual,
                 "result": result}
            )
        return result
    if isinstance(condition, All):
        results = [evaluate(child, facts, trace) for child in condition.all]
        return all(results)
    if isinstance(condition, AnyOf):
        results = [evaluate(child, facts, trace) for child in condition.any]
        return any(results)
    if isinstance(condition, Not):
        return not evaluate(condition.not_, facts, trace)
    raise TypeError(f"not a condition: {condition!r}")


def evaluate_open(condition: Condition, facts: Mapping[str, Any], unknown: set[str] | frozenset[str]) -> bool | None:
    """Three-valued evaluation: ``None`` when the answer depends on a fact in ``unknown``.

    This is how the engine tells "ruled out" from "not asked": a warning sign whose
    condition is ``None`` could still fire once its open questions are answered. Kleene
    logic: ``all`` is false if any child is false, ``any`` is true if any child is true.
    """
    if isinstance(condition, Leaf):
        if condition.fact in unknown:
            return None
        return _compare(condition.op, facts.get(condition.fact), condition.value)
    if isinstance(condition, Not):
        inner = evaluate_open(condition.not_, facts, unknown)
        return None if inner is None else not inner
    results = [evaluate_open(child, facts, unknown) for child in
               (condition.all if isinstance(condition, All) else condition.any)]
    if isinstance(condition, All):
        return False if False in results else None if None in results else True
    return True if True in results else None if None in results else False


def leaves_of(condition: Condition) -> list[Leaf]:
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, All):
        return [leaf for c in condition.all for leaf in leaves_of(c)]
    if isinstance(condition, AnyOf):
        return [leaf for c in condition.any for leaf in leaves_of(c)]
    if isinstance(condition, Not):
        return leaves_of(condition.not_)
    raise TypeError(f"not a condition: {condition!r}")


Compiled = Callable[[Mapping[str, Any], "list[dict[str, Any]] | None"], bool]

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda actual, expected: bool(actual == expected),
    "ne": lambda actual, expected: bool(actual != expected),
    "lt": lambda actual, expected: bool(actual < expected),
    "le": lambda actual, expected: bool(actual <= expected),
    "gt": lambda actual, expected: bool(actual > expected),
    "ge": lambda actual, expected: bool(actual >= expected),
    "in": lambda actual, expected: actual in expected,
    "contains": lambda actual, expected: expected in actual,
    "intersects": lambda actual, expected: any(item in actual for item in expected),
}
_COMPILED: dict[int, tuple[Condition, Compiled]] = {}


def _compile_leaf(leaf: Leaf) -> Compiled:
    fact, op, expected = leaf.fact, leaf.op, leaf.value
    if op in ("answered", "unanswered"):
        want = op == "answered"

        def presence(facts: Mapping[str, Any], trace: list[dict[str, Any]] | None) -> bool:
            actual = facts.get(fact)
            result = (actual is not None) == want
            if trace is not None:
                trace.append({"fact": fact, "op": op, "value": expected, "actual": actual, "result": result})
            return result

        return presence
    compare = _OPERATORS[op]

    def check(facts: Mapping[str, Any], trace: list[dict[str, Any]] | None) -> bool:
        actual = facts.get(fact)
        if actual is None:
            result = False
        else:
            try:
                result = compare(actual, expected)
            except TypeError:
                result = False
        if trace is not None:
            trace.append({"fact": fact, "op": op, "value": expected, "actual": actual, "result": result})
        return result

    return check


def _compile(condition: Condition) -> Compiled:
    if isinstance(condition, Leaf):
        return _compile_leaf(condition)
    if isinstance(condition, Not):
        inner = _compile(condition.not_)
        return lambda facts, trace: not inner(facts, trace)
    children = [_compile(c) for c in (condition.all if isinstance(condition, All) else condition.any)]
    combine = all if isinstance(condition, All) else any

    # Every child runs (no short-circuit), so the trace shows the whole picture.
    return lambda facts, trace: combine([child(facts, trace) for child in children])


def compiled(condition: Condition) -> Compiled:
    """``condition`` as a closure with the same result and trace as :func:`evaluate`, built once.

    The engine evaluates about a hundred rules per assessment; closures skip the type
    dispatch of :func:`evaluate` on every visit.
    """
    cached = _COMPILED.get(id(condition))
    if cached is not None and cached[0] is condition:
        return cached[1]
    function = _compile(condition)
    _COMPILED[id(condition)] = (condition, function)
    return function
