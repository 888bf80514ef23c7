"""Typed schema of the knowledge base.

Every entry a person can see carries ``sources`` (ids from ``sources.yaml``) and an
``evidence`` grade. Where the article (source ``seed``) and clinical guidance disagree,
``guidance_note`` says what the guidance says instead; the guidance wins.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crampcare.knowledge.conditions import Condition

Evidence = Literal["supported", "mixed", "not_supported", "unsafe"]
Urgency = Literal["emergency", "urgent", "doctor", "self_care"]

# Lowest first: urgency only ever rises to the highest level any fired rule asks for.
URGENCY_ORDER: tuple[Urgency, ...] = ("self_care", "doctor", "urgent", "emergency")
URGENCY_RANK: dict[str, int] = {level: rank for rank, level in enumerate(URGENCY_ORDER)}

ARTICLE_SOURCE = "seed"

# Facts the engine derives from answers before rules run (documented for reviewers).
DERIVED_FACTS: dict[str, str] = {
    "is_child": "age is under 18",
    "is_infant": "age is under 1",
    "age_over_60": "age is 60 or more",
    "adult_advice_fits": "age is 8 or more, or not given (adult advice such as wall stretches and shoes)",
    "trimester": "1, 2 or 3 from pregnancy_week (weeks 1-13, 14-27, 28+)",
    "fluid_limited": "a doctor limits fluids, or may: heart failure or kidney disease (whatever the limit answer: "
                     "their team says how much to drink), or liver disease and the limit question not answered 'no'",
    "fluid_rule_applies": "an adult (18 or more) whose fluids no doctor limits: the article's 20 ml/kg rule may be shown",
    "fluid_target_ml": "the article's 20 ml per kg of body weight (only when fluid_rule_applies)",
    "fluid_below_target": "daily fluids are below 20 ml per kg of body weight (only when fluid_rule_applies)",
    "cramp_causing_medicine": "at least one medicine taken is known to cause cramps",
    "frequent": "cramps on most nights or every week",
    "muscle_count": "how many leg muscles were chosen (calf, foot, toes, thigh)",
    "thyroid_symptom_count": "how many of tiredness, weight gain or loss, feeling the cold, constipation, dry skin",
    "growing_pains_pattern": "age 3-12, both legs, fine by the morning, none of the child's red features",
}
# The answers each derived fact is computed from: a derived fact is unknown while any is unanswered.
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "is_child": ("age",),
    "is_infant": ("age",),
    "age_over_60": ("age",),
    "adult_advice_fits": ("age",),
    "trimester": ("pregnant", "pregnancy_week"),
    "fluid_limited": ("conditions", "fluid_limit"),
    "fluid_rule_applies": ("age", "conditions", "fluid_limit"),
    "fluid_target_ml": ("age", "weight_kg"),
    "fluid_below_target": ("age", "weight_kg", "fluids_l"),
    "cramp_causing_medicine": ("medicines",),
    "frequent": ("frequency",),
    "muscle_count": ("muscles",),
    "thyroid_symptom_count": ("general_symptoms",),
    "growing_pains_pattern": ("age", "legs", "child_fine_by_morning", "child_red_features"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    id: str
    title: str
    kind: Literal["article", "guideline", "review", "trial", "study", "regulator", "triage", "label"]
    year: int | None = None
    url: str | None = None
    citation: str


class Sourced(_Strict):
    """Base of everything shown to a person: it names its sources and evidence."""

    id: str
    sources: list[str] = Field(min_length=1)
    evidence: Evidence
    evidence_note: str = Field(min_length=1, description="Why this grade, in plain words.")
    guidance_note: str | None = Field(
        default=None, description="Where the article is contradicted, what the clinical guidance says instead."
    )
    claim: str | None = Field(
        default=None,
        description="The graded claim this entry restates ('topic.claim' in topics.yaml): one claim, one grade. "
        "The loader checks the entry carries the claim's grade and sources.",
    )

    @property
    def from_article(self) -> bool:
        return ARTICLE_SOURCE in self.sources


class Choice(_Strict):
    id: str
    text: str


class AnswerLimit(_Strict):
    """A narrower range a number answer must fall in while ``when`` holds for the other answers
    (an adult's weight): outside it the answer is refused with ``reason``, never computed with."""

    when: Condition
    min: float
    max: float
    reason: str = Field(min_length=1, description="Why, shown with the refusal.")
    note: str = Field(min_length=1, description="For reviewers: where the bounds come from (not shown).")


class Question(_Strict):
    id: str
    section: Literal["warning_signs", "about_you", "the_cramps", "daily_life", "health", "child", "pregnancy"]
    text: str
    help: str = ""
    type: Literal["yes_no", "number", "single", "multiple"]
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    choices: list[Choice] = Field(default_factory=list)
    show_if: Condition | None = None
    limits: list[AnswerLimit] = Field(default_factory=list)

    @model_validator(mode="after")
    def _type_fits(self) -> Question:
        if self.type in ("single", "multiple") and len(self.choices) < 2:
            raise ValueError("a choice question needs at least two choices")
        if self.type not in ("single", "multiple") and self.choices:
            raise ValueError(f"a {self.type} question has no choices")
        if self.type == "number" and (self.min is None or self.max is None or self.unit is None):
            raise ValueError("a number question needs unit, min and max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is above max")
        if self.limits and self.type != "number":
            raise ValueError("only a number question has limits")
        for limit in self.limits:
            assert self.min is not None and self.max is not None
            if not self.min <= limit.min <= limit.max <= self.max:
                raise ValueError("a limit must lie within the question's own min and max")
        return self

    @property
    def choice_ids(self) -> list[str]:
        return [c.id for c in self.choices]


def _no_urgency_without_evidence(entry: Sourced, urgency: str | None) -> None:
    # A claim clinical sources do not support can explain, never send someone to a doctor.
    if entry.evidence == "not_supported" and urgency is not None:
        raise ValueError("an entry graded not_supported cannot set an urgency")


class Factor(Sourced):
    """A contributing cause the article or the guidance names."""

    title: str
    explanation: str
    category: Literal[
        "daily_habits", "environment", "nutrition", "disease", "medicine", "pregnancy", "child", "age", "location"
    ]
    when: Condition
    weight: int = Field(ge=1, le=5, description="Ranking strength: 5 strongest.")
    urgency: Urgency | None = None
    referrals: list[str] = Field(default_factory=list)
    tests: list[str] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _graded_urgency(self) -> Factor:
        _no_urgency_without_evidence(self, self.urgency)
        return self


class CrampType(Sourced):
    title: str
    description: str
    axis: Literal["duration", "extent", "pattern"]
    when: Condition


class WarningSign(Sourced):
    title: str
    text: str
    action: str
    urgency: Urgency
    when: Condition
    referrals: list[str] = Field(default_factory=list)
    tests: list[str] = Field(default_factory=list)


class LookAlike(Sourced):
    name: str
    distinguishing: str
    when: Condition
    urgency: Urgency | None = None
    warning_sign: str | None = Field(
        default=None, description="The warning sign that already gives this urgency; when it fired, the reason is not repeated."
    )
    referrals: list[str] = Field(default_factory=list)
    tests: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _graded_urgency(self) -> LookAlike:
        _no_urgency_without_evidence(self, self.urgency)
        return self


class Advice(Sourced):
    category: Literal["fluids", "exercises", "shoes", "diet", "stress", "warmth", "activity", "sleep", "medicines"]
    title: str
    text: str
    when: Condition | None = None
    exercises: list[str] = Field(default_factory=list)


class DoNot(Sourced):
    title: str
    text: str
    when: Condition | None = None
    medicines: list[str] = Field(default_factory=list)


class Medicine(Sourced):
    """A medicine a person may take, or that the article mentions."""

    name: str
    examples: str = ""
    prescription: bool
    role: Literal["may_cause_cramps", "article_treatment", "pain_relief", "supplement"]
    dangers: list[str] = Field(default_factory=list)
    pregnancy_warning: str | None = None
    recommendation: str = Field(description="What crampcare says about it: at most 'discuss with your doctor'.")


class Caution(_Strict):
    """One line said before an exercise's steps, to whom it does not suit, wherever the steps are
    listed (the clients that show them do not know the person's conditions). Sourced and graded on
    its own: the exercise may come from the article, the caution from guidance."""

    text: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    evidence: Evidence
    evidence_note: str = Field(min_length=1, description="Why this grade, in plain words.")


class Exercise(Sourced):
    title: str
    steps: list[str] = Field(min_length=1)
    seconds: int = Field(gt=0, le=900, description="Timer for one round.")
    repetitions: int = Field(ge=1, le=30)
    during_cramp: bool = False
    caution: Caution | None = None


class FirstAidStep(Sourced):
    phase: Literal["first_aid", "self_help", "afterwards"]
    title: str
    text: str
    seconds: int | None = Field(default=None, gt=0, le=900)
    in_now: bool = Field(description="Shown in the step-by-step `now` walk-through.")


class EscalationQuestion(Sourced):
    text: str
    yes_urgency: Urgency
    yes_action: str


class Referral(_Strict):
    id: str
    specialty: str
    text: str


class MedicalTest(_Strict):
    id: str
    name: str
    text: str


class Claim(Sourced):
    text: str


class Topic(_Strict):
    id: str
    title: str
    summary: str
    claims: list[Claim] = Field(min_length=1)


class Message(_Strict):
    """Wording of the assessment that belongs to no single rule (e.g. the incomplete headline)."""

    id: str
    text: str
