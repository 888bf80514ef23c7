"""The guided interview: one section per screen, decided on the server.

Each step is a server-rendered form. Answers from other steps travel as hidden fields, so the
flow works without JavaScript, and every show/hide decision comes from the same evaluator the
engine uses (:func:`crampcare.assess.interview.visible_questions`): the browser never evaluates
a condition itself. A step whose answers reveal a new question in the same section (pregnant →
which week) is shown again with that question before moving on.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from crampcare.assess.interview import SECTION_TITLES, interview_steps
from crampcare.i18n.context import _
from crampcare.web import forms
from crampcare.web.deps import get_kb, get_owner
from crampcare.web.pages import answer_to_post, posted_answers, result_context

if TYPE_CHECKING:
    from starlette.datastructures import FormData

    from crampcare.knowledge.loader import KnowledgeBase
    from crampcare.knowledge.schema import Question

router = APIRouter(include_in_schema=False)

# Warning signs come first whatever the order in the knowledge base.
def _raw_value(question: Question, value: Any) -> str | list[str]:
    """An answer back in the form's own spelling (for hidden fields and pre-filled inputs)."""
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "multiple":
        return [str(v) for v in value]
    if question.type == "number":
        return typed_number(value)
    return str(value)


def typed_number(value: float) -> str:
    """A number answer as the form takes it back (:func:`~crampcare.assess.answers.parse_number_answer`:
    digits and a point, no exponent), every digit kept: ``f"{value:g}"`` kept six, so a cramp of
    10.000001 minutes came back from the next step as 10 (no longer "over 10 minutes"), and 0.0000001
    came back as ``1e-07``, which the step then refused."""
    written = format(Decimal(repr(value)), "f")
    return written.rstrip("0").rstrip(".") if "." in written else written


def _step_page(request: Request, kb: KnowledgeBase, answers: dict[str, Any], section: str,
               raw: dict[str, Any], errors: dict[str, str], status: int = 200, revealed: bool = False,
               left_open: list[Question] | None = None, seen_signs: str = "",
               dropped: Collection[str] = ()) -> HTMLResponse:
    steps = interview_steps(kb, answers)
    sections = [s for s, _ in steps]
    if section not in sections:
        section = sections[0]
    index = sections.index(section)
    questions = steps[index][1]
    shown = {q.id for q in questions}
    carried = []
    for qid, answer in answers.items():
        if qid in shown or qid not in kb.questions:
            continue
        spelled = _raw_value(kb.questions[qid], answer)
        for item in spelled if isinstance(spelled, list) else [spelled]:
            carried.append((qid, item))
    items = []
    for question in questions:
        if question.id in raw:
            value: Any = raw[question.id]
        elif question.id in answers:
            value = _raw_value(question, answers[question.id])
        else:
            value = ""
        items.append({
            "q": question,
            "value": value if isinstance(value, str) else "",
            "chosen": value if isinstance(value, list) else ([value] if value else []),
            "error": errors.get(question.id),
        })
    section_title = _(SECTION_TITLES[section]) if section in SECTION_TITLES else section
    context = {
        "title": _("Assessment: {section}", section=section_title),
        "section": section,
        "section_title": section_title,
        "number": index + 1,
        "total": len(steps),
        "last": index == len(steps) - 1,
        "items": items,
        "carried": carried,
        "errors": errors,
        "revealed": revealed,
        "left_open": left_open or [],
        "seen_signs": seen_signs,
        # Answers forgotten because another answer hid their question: the page's script forgets them too.
        "dropped": list(dropped),
        "kb": kb,
    }
    return answer_to_post(request, "assess_step.html", context, status)


@router.get("/assess", response_class=HTMLResponse)
def assess_start(request: Request, kb: KnowledgeBase = Depends(get_kb), _owner: str = Depends(get_owner)) -> HTMLResponse:
    return _step_page(request, kb, {}, "warning_signs", {}, {})


@router.post("/assess/open", response_class=HTMLResponse)
async def assess_open(request: Request, kb: KnowledgeBase = Depends(get_kb),
                      _owner: str = Depends(get_owner)) -> HTMLResponse:
    """"Answer them" on a result with warning questions left open: back to the first step that
    holds one, every other answer kept (the link started a new, empty interview, so answering the
    open questions meant answering everything again). "Answer the other questions" after a warning
    sign shown at once: on from the first step with a question not yet answered."""
    from crampcare.assess import validate_answers
    from crampcare.assess.engine import warning_questions_left_open
    from crampcare.assess.interview import refuse_hidden

    form = await request.form()
    answers = validate_answers(kb, posted_answers(form))
    refuse_hidden(kb, answers)
    steps = interview_steps(kb, answers)
    seen_signs = _sign_ids(forms.text(form, "seen_signs"))
    if seen_signs:
        # "Answer the other questions" after a sign shown at once: the interview goes on from the first
        # step with a question not yet answered, as the terminal's does. Going to the first step that
        # keeps a warning sign open skipped "About you" (age, sex, weight) when every warning question
        # had been answered, and "Are you pregnant?" was then asked with the sex never asked.
        wanted = {q.id for _s, qs in steps for q in qs if q.id not in answers}
    else:
        wanted = {q.id for q in warning_questions_left_open(kb, answers, (q for _s, qs in steps for q in qs))}
    open_step = next((section for section, questions in steps
                      if any(q.id in wanted for q in questions)), steps[0][0])
    # Back from a result that showed these signs at once: Next goes on instead of showing them again.
    return _step_page(request, kb, answers, open_step, {}, {}, seen_signs=seen_signs)


def _sign_ids(posted: str) -> str:
    """The warning signs a form says were already shown, as posted: ids only, at most a few."""
    return " ".join(word for word in posted.split()[:40] if word.replace("_", "").isalnum())


def _raw_fields(form: FormData, questions: list[Question]) -> dict[str, Any]:
    """What the person typed on this step, as typed (kept on a re-shown step, even when wrong)."""
    return {q.id: forms.values(form, q.id) if q.type == "multiple" else forms.text(form, q.id) for q in questions}


@router.post("/assess", response_class=HTMLResponse)
async def assess_step(request: Request, kb: KnowledgeBase = Depends(get_kb),
                      _owner: str = Depends(get_owner)) -> HTMLResponse:
    from crampcare.assess import assess
    from crampcare.assess.engine import warning_questions_left_open
    from crampcare.assess.interview import drop_hidden, implausible_answers, signs_to_show_now

    form = await request.form()
    action = forms.text(form, "action")
    section = forms.text(form, "step")
    posted, errors = forms.answers_from_form(kb, form)
    answers = drop_hidden(kb, posted)
    dropped = [qid for qid in posted if qid not in answers]
    implausible = implausible_answers(kb, answers)  # an adult's weight of 2 kg: refused next to the field
    errors.update(implausible)
    answers = {qid: value for qid, value in answers.items() if qid not in implausible}
    shown_before = set(forms.text(form, "shown").split())
    steps = interview_steps(kb, answers)
    sections = [s for s, _ in steps]
    current = sections.index(section) if section in sections else 0
    this_step = steps[current][1]
    raw = _raw_fields(form, this_step)
    seen_signs = _sign_ids(forms.text(form, "seen_signs"))
    if errors:
        # Show the first step that holds a wrong answer, with the message next to it.
        wrong = next((i for i, (_s, qs) in enumerate(steps) if any(q.id in errors for q in qs)), current)
        raw = _raw_fields(form, steps[wrong][1])
        return _step_page(request, kb, answers, sections[wrong], raw, errors, 422, seen_signs=seen_signs, dropped=dropped)
    if action == "back":
        return _step_page(request, kb, answers, sections[max(0, current - 1)], {}, {}, seen_signs=seen_signs, dropped=dropped)
    revealed = bool(shown_before) and any(q.id not in shown_before for q in this_step)
    moving_on = action in ("next", "result")
    # A warning sign that calls for help now or today is shown at once (once: "go on" carries the signs
    # shown), the rest can wait; a follow-up it just brought up ("does it last?") is asked first, as it
    # can stand the sign down.
    result = assess(answers) if moving_on else None
    new_signs = signs_to_show_now(result, seen_signs.split()) if result is not None else []
    if new_signs:
        if revealed:
            return _step_page(request, kb, answers, sections[current], {}, {}, revealed=True, seen_signs=seen_signs, dropped=dropped)
        return answer_to_post(request, "assess_result.html", {
            **result_context(kb, result), "stopped_early": current + 1 < len(sections),
            "seen_signs": " ".join([*seen_signs.split(), *new_signs])})
    # Skipping a warning question is a conscious choice: the first Next with some left open says
    # which, and that they will not count as "no"; Next again goes on without them.
    # A question just brought up is shown as new first (taking quinine: its side effects, a warning
    # question), not as one left unanswered.
    if revealed and moving_on:
        return _step_page(request, kb, answers, sections[current], {}, {}, revealed=True, seen_signs=seen_signs, dropped=dropped)
    # A question that keeps a warning sign open counts, not only the warning section's: "Are you
    # pregnant?" skipped leaves being sick late in pregnancy not ruled out (the engine's own rule).
    left_open = (warning_questions_left_open(kb, answers, this_step, result.unanswered_warning_questions)
                 if result is not None and forms.text(form, "skip_open") != section else [])
    if left_open:
        return _step_page(request, kb, answers, sections[current], {}, {}, left_open=left_open, seen_signs=seen_signs, dropped=dropped)
    if action == "next" and current + 1 < len(sections):
        return _step_page(request, kb, answers, sections[current + 1], {}, {}, seen_signs=seen_signs, dropped=dropped)
    return answer_to_post(request, "assess_result.html", result_context(kb, result or assess(answers)))
