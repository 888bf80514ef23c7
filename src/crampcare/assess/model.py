"""The explained assessment: what the engine concludes and why."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, SkipValidation

from crampcare.knowledge.conditions import LeafResult
from crampcare.knowledge.schema import Evidence, Urgency


class SourceRef(BaseModel):
    id: str
    title: str
    citation: str
    url: str | None = None


class Evidenced(BaseModel):
    """Anything shown to a person: with its sources and evidence grade."""

    sources: list[str]
    evidence: Evidence
    evidence_note: str
    guidance_note: str | None = None


class UrgencyReason(BaseModel):
    rule: str = Field(description="The rule that asked for this level, e.g. warning_signs.ws_dvt.")
    title: str
    urgency: Urgency


class WarningSignFound(Evidenced):
    id: str
    title: str
    text: str
    action: str
    urgency: Urgency
    answers: dict[str, Any] = Field(description="The answers that raised it.")


class LookAlikeFound(Evidenced):
    id: str
    name: str
    distinguishing: str
    urgency: Urgency | None = None
    answers: dict[str, Any]


class CrampTypeFound(Evidenced):
    id: str
    title: str
    description: str
    axis: str
    answers: dict[str, Any]


class FactorFound(Evidenced):
    id: str
    rank: int
    title: str
    explanation: str
    category: str
    weight: int
    answers: dict[str, Any]


class Because(BaseModel):
    rule: str
    title: str


class ReferralSuggestion(BaseModel):
    id: str
    specialty: str
    text: str
    because: list[Because]


class TestSuggestion(BaseModel):
    id: str
    name: str
    text: str
    because: list[Because]


class FluidTarget(BaseModel):
    weight_kg: float
    target_ml: int = Field(description="The article's 20 ml per kg of body weight.")
    current_ml: int | None = None
    shortfall_ml: int | None = None
    caveats: list[str]
    sources: list[str]


class ExerciseCaution(BaseModel):
    text: str
    sources: list[str]
    evidence: Evidence


class ExerciseRef(BaseModel):
    id: str
    title: str
    caution: ExerciseCaution | None = Field(
        default=None, description="Whom the exercise does not suit (e.g. lying flat with heart failure), said with it."
    )


class PlanItem(Evidenced):
    id: str
    category: str
    title: str
    text: str
    because: list[Because]
    exercises: list[ExerciseRef] = Field(default_factory=list)


class PreventionPlan(BaseModel):
    fluid_target: FluidTarget | None = None
    items: list[PlanItem]
    note: str | None = Field(
        default=None, description="Why the plan is empty: an urgent or emergency result leads with its action."
    )


class MedicineNote(Evidenced):
    id: str
    name: str
    recommendation: str
    dangers: list[str]
    pregnancy_warning: str | None = None


class DoNotItem(Evidenced):
    id: str
    title: str
    text: str
    medicines: list[MedicineNote] = Field(default_factory=list)


class RuleTrace(BaseModel):
    rule: str
    fired: bool
    leaves: list[LeafResult]


class Assessment(BaseModel):
    """An explained assessment. Every conclusion names the rules and answers behind it."""

    urgency: Urgency = Field(
        description="emergency > urgent > doctor > self_care. Never self_care while complete is false."
    )
    complete: bool = Field(
        description="Every warning question shown was answered and every urgent or emergency warning sign was "
        "ruled out. Only a complete result may reassure (self_care)."
    )
    not_ruled_out: list[str] = Field(
        description="Ids of urgent or emergency warning signs that could still fire: their questions were not "
        "answered ('don't know' counts as not answered), or were never asked because a question they depend on "
        "was not answered (being sick after week 20 when 'Are you pregnant?' was skipped)."
    )
    unanswered_warning_questions: list[str] = Field(
        description="Question ids left open that keep a warning sign from being ruled out, in interview order: "
        "each a question shown now (for a sign behind a skipped question, the skipped one, e.g. pregnant)."
    )
    notice: str | None = Field(
        default=None, description="Shown first when the result is not complete (knowledge messages.incomplete_text)."
    )
    urgency_reasons: list[UrgencyReason]
    warning_signs: list[WarningSignFound]
    warning_signs_asked: dict[str, Any] = Field(
        description="Every warning-sign question shown to this person and its answer (None if not answered)."
    )
    lookalikes: list[LookAlikeFound]
    cramp_types: list[CrampTypeFound]
    factors: list[FactorFound]
    referrals: list[ReferralSuggestion]
    tests: list[TestSuggestion]
    tests_note: str
    plan: PreventionPlan
    do_nots: list[DoNotItem]
    sources: list[SourceRef]
    answers: dict[str, Any]
    # The engine builds the trace itself from validated rules; re-validating hundreds of
    # leaves per assessment would cost more than the whole evaluation.
    trace: SkipValidation[list[dict[str, Any]]] = Field(
        description="Every rule evaluated, in order: {rule, fired, leaves: [{fact, op, value, actual, result}]} "
        "(the shape of RuleTrace)."
    )
    disclaimer: str
