"""The JSON API under ``/api/v1``. OpenAPI: ``/openapi.json``, read it at ``/docs``.

Routes that touch the diary are plain ``def`` (run in the thread pool) and get the diary of
the current owner through :func:`crampcare.web.deps.get_store`. Responses are dumped with
``model_dump`` rather than re-validated: stored records were validated when written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal

import pydantic_core
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.concurrency import run_in_threadpool

from crampcare.diary.records import DayRecord, DiaryDate, NightRecord
from crampcare.i18n.context import _, current_language
from crampcare.services import diary as diary_service
from crampcare.web.deps import get_kb, get_store
from crampcare.web.errors import ApiError
from crampcare.web.params import FromDate, JsonBodyRoute, ToDate, read_upload

if TYPE_CHECKING:
    from crampcare.knowledge.loader import KnowledgeBase
    from crampcare.services.diary import Diary

router = APIRouter(prefix="/api/v1", route_class=JsonBodyRoute)

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}},
                },
            },
        }
    },
}


def _err(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


ERRORS: dict[int | str, dict[str, Any]] = {400: _err("The body is not valid JSON (or not the declared content type)."),
                                           422: _err("Invalid input; `fields` names each bad field."),
                                           413: _err("Body over 1 MB.")}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _err("Not logged.")}
CONFLICT: dict[int | str, dict[str, Any]] = {409: _err("A record for that date already exists.")}


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False).encode(), status_code=status, headers=headers,
                    media_type="application/json")


def _check_range(start: dt.date | None, end: dt.date | None) -> None:
    # Each end was checked by DiaryDate (YYYY-MM-DD, 1900 to tomorrow); here only their order.
    if start is not None and end is not None and start > end:
        raise ApiError(422, _("'from' is after 'to'"), fields=[{"field": "query.from", "message": _("is after 'to'")}])


# --------------------------------------------------------------------------- plain


@router.get("/health", tags=["meta"], summary="Is the server up? (no database access)")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/questionnaire", tags=["assessment"], summary="The interview's questions with show-conditions")
async def questionnaire(kb: KnowledgeBase = Depends(get_kb)) -> Response:
    from crampcare.assess.render import questionnaire_json

    return _json(questionnaire_json(kb))


def _answer_schema(question: Any) -> dict[str, Any]:
    """The JSON Schema of one answer, as :func:`crampcare.assess.answers.check_answer` checks it
    (``null``: not answered)."""
    nothing = {"type": "null"}
    if question.type == "yes_no":
        return {"anyOf": [{"type": "boolean"}, nothing]}
    if question.type == "number":
        number = {"type": "integer" if question.integer else "number", "minimum": question.min, "maximum": question.max}
        schema: dict[str, Any] = {"anyOf": [number, nothing]}
        if question.limits:  # conditions on other answers, which JSON Schema cannot state (the rule language's JSON)
            schema["description"] = "; ".join(
                f"from {limit.min:g} to {limit.max:g} when {json.dumps(limit.when.model_dump(by_alias=True))}"
                for limit in question.limits)
        return schema
    choices = list(question.choice_ids)
    if question.type == "single":
        return {"anyOf": [{"type": "string", "enum": choices}, nothing]}
    others = [choice for choice in choices if choice != "none"]
    options: list[dict[str, Any]] = [{"type": "string", "enum": choices},
                                     {"type": "array", "items": {"type": "string", "enum": others}}]
    if "none" in choices:  # "none" stands alone
        options.append({"type": "array", "items": {"type": "string", "enum": ["none"]}})
    return {"anyOf": [*options, nothing]}


def _answers_schema(schema: dict[str, Any]) -> None:
    from crampcare.knowledge import load_knowledge

    questions = load_knowledge().questions
    schema["properties"]["answers"] = {
        "type": "object", "additionalProperties": False,
        "description": "Question id -> answer (see /questionnaire); null or absent: not answered.",
        "properties": {qid: _answer_schema(question) for qid, question in sorted(questions.items())},
    }


class AssessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_answers_schema)

    answers: dict[str, Any] = Field(description="Question id -> answer (see /questionnaire).")
    save: StrictBool = Field(False, description="Also store the assessment in the diary (always with its full trace).")
    trace: StrictBool = Field(
        False,
        description="Include `trace`, every condition of every rule as evaluated (large; the explanation of each "
        "finding is already in its `answers`). Without it `trace` is an empty list.",
    )


@router.post(
    "/assess",
    tags=["assessment"],
    summary="An explained assessment from answers",
    responses={200: {"description": "The assessment (the schema of `crampcare schema`)."},
               201: {"description": "Saved; `Location` names it."}, **ERRORS},
)
async def assess_route(body: AssessRequest, store: Diary = Depends(get_store)) -> Response:
    from crampcare.assess.engine import assess_data

    # Plain data straight to JSON: no model built and re-validated per request (the property
    # tests check that assess_data always validates as an Assessment).
    result = assess_data(body.answers, with_trace=body.trace or body.save)
    shown = result if body.trace else {**result, "trace": []}
    if current_language() != "en":
        # The reader's language, as `crampcare assess --format json` and the web page give it (the
        # response said Content-Language: ru over English texts); the diary keeps the English one.
        from crampcare.assess.localize import localize_assessment
        from crampcare.assess.model import Assessment
        from crampcare.knowledge import load_knowledge

        shown = localize_assessment(Assessment.model_validate(shown), load_knowledge()).model_dump(mode="json")
    payload = pydantic_core.to_json(shown)
    if not body.save:
        return Response(payload, media_type="application/json")

    # Always saved with its full trace.
    saved_id = await run_in_threadpool(diary_service.save_assessment, store, result["answers"], result)
    return Response(payload, status_code=201, media_type="application/json",
                    headers={"Location": f"/api/v1/assessments/{saved_id}"})


def _stored(item: Any) -> dict[str, Any]:
    data: dict[str, Any] = item.model_dump(mode="json")
    return data


@router.get("/assessments", tags=["assessment"], summary="Saved assessments, oldest first")
def list_assessments(store: Diary = Depends(get_store)) -> Response:
    return _json([_stored(a) for a in diary_service.assessments(store)])


@router.get("/assessments/latest", tags=["assessment"], summary="The most recent saved assessment",
            responses=NOT_FOUND)
def latest_assessment(store: Diary = Depends(get_store)) -> Response:
    latest = diary_service.latest_assessment(store)
    if latest is None:
        raise ApiError(404, _("no assessment saved yet"))
    return _json(_stored(latest))


@router.get("/assessments/{assessment_id}", tags=["assessment"], summary="One saved assessment", responses=NOT_FOUND)
def get_assessment(assessment_id: int, store: Diary = Depends(get_store)) -> Response:
    for item in diary_service.assessments(store):
        if item.id == assessment_id:
            return _json(_stored(item))
    raise ApiError(404, _("no assessment {id}", id=assessment_id))


# --------------------------------------------------------------------------- nights and days


def _record_json(record: NightRecord | DayRecord) -> dict[str, Any]:
    data: dict[str, Any] = record.model_dump(mode="json")
    return data


# ------------------------------------------------------------- conditional requests (RFC 9110)
#
# A night's or day's ETag is its version (diary_service.record_version, the one the web edit forms
# carry), so the API and the forms share one check, made inside the write's transaction.

ETAG_HEADER: dict[str, Any] = {"ETag": {"description": "The record's version (a strong entity-tag): send it back "
                                                      "in `If-Match` to replace or delete this record.",
                                        "schema": {"type": "string"}}}
IfMatch = Header(None, alias="If-Match",
                 description="The `ETag` of the record as you read it (or `*`: any stored record). Required to replace "
                 "or delete a record that is stored (428 without it); 412 when the stored record has changed since.")
IfNoneMatch = Header(None, alias="If-None-Match",
                     description="`*`: only create, never replace (412 when a record is stored for that date).")
IfNoneMatchRead = Header(None, alias="If-None-Match",
                         description="The `ETag` (or ETags) you hold, or `*`: when the record stored now is that "
                         "version, 304 Not Modified without a body.")
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not Modified: `If-None-Match` names the record stored now (no body; `ETag` as on 200).",
          "headers": ETAG_HEADER}}
PRECONDITIONS: dict[int | str, dict[str, Any]] = {
    412: _err("`If-Match` names another version than the one stored (it was changed since you read it, or nothing "
              "is stored), or `If-None-Match` names the stored one (`*`: a record is stored); nothing was changed. "
              "`ETag` gives the stored version, if any."),
    428: _err("A stored record is replaced or deleted only with `If-Match` (its `ETag`); nothing was changed."),
}


def _etag(record: NightRecord | DayRecord | None) -> str:
    return f'"{diary_service.record_version(record)}"'


def _read(record: NightRecord | DayRecord, if_none_match: str | None) -> Response:
    """A GET's answer: the record with its ``ETag``, or 304 Not Modified (same ``ETag``, no body) when
    ``If-None-Match`` names the version stored now (RFC 9110 §13.1.2; weak comparison)."""
    etag = _etag(record)
    if if_none_match is not None and diary_service.names(_entity_tags(if_none_match, weak=True), record):
        return Response(status_code=304, headers={"ETag": etag})
    return _json(_record_json(record), headers={"ETag": etag})


def _entity_tags(value: str, *, weak: bool) -> frozenset[str]:
    """The versions an ``If-Match`` (strong comparison: weak tags match nothing) or ``If-None-Match``
    (weak comparison) header names; ``*`` is :data:`~crampcare.services.diary.ANY_VERSION`."""
    tags = set()
    for item in value.split(","):
        tag = item.strip()
        if tag.startswith("W/"):
            if not weak:
                continue
            tag = tag[2:]
        tag = tag.strip('"') if tag != "*" else diary_service.ANY_VERSION
        if tag:  # an empty tag names no version, not "nothing logged"
            tags.add(tag)
    return frozenset(tags)


def _replace_or_delete(kind: Literal["night", "day"], date: dt.date, if_match: str | None, if_none_match: str | None,
                       write: Callable[[diary_service.Expected], object]) -> None:
    """Run ``write(expected)``, one service call, under the request's preconditions; their refusals as 412 and 428."""
    from crampcare.diary.errors import ChangedMeanwhileError, VersionRequiredError

    expected = diary_service.Expected(
        versions=_entity_tags(if_match, weak=False) if if_match is not None else None,
        not_versions=_entity_tags(if_none_match, weak=True) if if_none_match is not None else None,
        required=True)
    path = f"/api/v1/{kind}s/{date.isoformat()}"
    try:
        write(expected)
    except ChangedMeanwhileError as exc:
        stored = exc.stored_version or ""
        etag = f'"{stored}"'
        headers = {"ETag": etag} if stored else None
        if if_match is None:
            message = _("{path} is already logged (its ETag is {etag}) and If-None-Match refuses to overwrite it: "
                        "nothing was changed", path=path, etag=etag)
        elif not stored:
            message = _("nothing is logged at {path}, so If-Match cannot match: nothing was changed", path=path)
        else:
            message = _("{path} was changed since you read it (its ETag is now {etag}): nothing was changed; GET it "
                        "again and repeat the change with that ETag in If-Match", path=path, etag=etag)
        raise ApiError(412, message, headers=headers) from None
    except VersionRequiredError:
        raise ApiError(428, _("{path} is already logged: to replace or delete it, send If-Match with the ETag that "
                              "GET {path} answered (If-Match: * overwrites whatever is stored); nothing was changed",
                              path=path)) from None


def _same_date(path_date: dt.date, record: NightRecord | DayRecord) -> None:
    if record.date != path_date:
        raise ApiError(422, _("the body's date {body} is not the date in the path ({path})", body=record.date,
                                 path=path_date),
                       fields=[{"field": "date", "message": _("must equal the date in the path")}])


@router.get("/nights", tags=["diary"], summary="Nights in a date range, oldest first",
            responses={200: {"model": list[NightRecord]}, **ERRORS})
def list_nights(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
                store: Diary = Depends(get_store)) -> Response:
    _check_range(start, end)
    return _json([_record_json(n) for n in diary_service.nights(store, start, end)])


OUTCOME_HEADER = "X-Crampcare-Outcome"
CHANGE_HEADER = "X-Change-Id"
CHANGE_HEADERS: dict[str, Any] = {CHANGE_HEADER: {
    "description": "The id of the change this write made (absent when it changed nothing): send it as "
                   "`POST /api/v1/undo?change=…` to take back exactly this change.",
    "schema": {"type": "integer"}}}


def _with_change(store: Diary, headers: dict[str, str] | None = None) -> dict[str, str]:
    """``headers`` and ``X-Change-Id``: the change the request's write made, which an undo names."""
    change = diary_service.change_made(store)
    return {**(headers or {}), **({CHANGE_HEADER: str(change)} if change is not None else {})}


OUTCOME_HEADERS: dict[str, Any] = {
    OUTCOME_HEADER: {"description": "What the request did: `created`, `appended` (cramps added to the night "
                                    "already logged) or `unchanged` (a quiet night for a night already logged).",
                     "schema": {"type": "string", "enum": ["created", "appended", "unchanged"]}},
    "Idempotent-Replayed": {"description": "`true` when the `Idempotency-Key` was seen before: nothing was "
                                           "stored again, the outcome (and `X-Change-Id`) is the first request's.",
                            "schema": {"type": "string", "enum": ["true"]}},
    **ETAG_HEADER,
}
IdempotencyKey = Header(None, alias="Idempotency-Key", min_length=1, max_length=200,
                        description="Any unique string per logical request (e.g. a UUID): a retry with the same "
                        "key is stored once (kept for 24 hours).")


@router.post("/nights", tags=["diary"], status_code=201,
             summary="Log a night: new cramps are appended to a night already logged; a quiet night erases nothing",
             responses={201: {"model": NightRecord, "description": "A new night was stored (a retry of that request, "
                              "with its `Idempotency-Key`, is answered the same).",
                              "headers": {**OUTCOME_HEADERS, **CHANGE_HEADERS}},
                        200: {"model": NightRecord, "description": "The night was already logged: the cramps were "
                              "appended, or nothing changed (see the outcome header). The body is the stored night.",
                              "headers": {**OUTCOME_HEADERS, **CHANGE_HEADERS}},
                        409: _err("The Idempotency-Key was already used for another night or change."),
                        **ERRORS})
def create_night(record: NightRecord, store: Diary = Depends(get_store),
                 idempotency_key: str | None = IdempotencyKey) -> Response:
    from crampcare.services.diary import log_night

    logged = log_night(store, record, idempotency_key)
    headers = {"Location": f"/api/v1/nights/{record.date.isoformat()}", OUTCOME_HEADER: logged.outcome,
               "ETag": _etag(logged.night)}
    if logged.replayed:
        headers["Idempotent-Replayed"] = "true"
    status = 201 if logged.outcome == "created" else 200  # a retry answers as the first request did
    return _json(_record_json(logged.night), status, _with_change(store, headers))


@router.get("/nights/{date}", tags=["diary"], summary="One night",
            responses={200: {"model": NightRecord, "headers": ETAG_HEADER}, **NOT_MODIFIED, **NOT_FOUND})
def get_night(date: DiaryDate, store: Diary = Depends(get_store),
             if_none_match: str | None = IfNoneMatchRead) -> Response:
    record = diary_service.night(store, date)
    if record is None:
        raise ApiError(404, _("no night logged for {date}", date=date.isoformat()))
    return _read(record, if_none_match)


@router.put("/nights/{date}", tags=["diary"],
            summary="Replace the night of a date (If-Match: its ETag) or create it; undoable",
            responses={200: {"model": NightRecord, "headers": {**ETAG_HEADER, **CHANGE_HEADERS}}, **ERRORS, **PRECONDITIONS})
def put_night(date: DiaryDate, record: NightRecord, store: Diary = Depends(get_store),
              if_match: str | None = IfMatch, if_none_match: str | None = IfNoneMatch) -> Response:
    _same_date(date, record)
    _replace_or_delete("night", date, if_match, if_none_match,
                       lambda expected: diary_service.put_night(store, record, expected))
    return _json(_record_json(record), headers=_with_change(store, {"ETag": _etag(record)}))


@router.delete("/nights/{date}", tags=["diary"], summary="Delete a night (If-Match: its ETag); undoable",
               responses={200: {"description": "Deleted.", "headers": CHANGE_HEADERS}, **NOT_FOUND, **PRECONDITIONS})
def delete_night(date: DiaryDate, store: Diary = Depends(get_store),
                 if_match: str | None = IfMatch, if_none_match: str | None = IfNoneMatch) -> Response:
    _replace_or_delete("night", date, if_match, if_none_match,
                       lambda expected: diary_service.delete(store, date, "night", expected=expected))
    return _json({"deleted": "night", "date": date.isoformat(), "undo": "POST /api/v1/undo?change=<X-Change-Id>"},
                 headers=_with_change(store))


@router.get("/days", tags=["diary"], summary="Days in a date range, oldest first",
            responses={200: {"model": list[DayRecord]}, **ERRORS})
def list_days(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
              store: Diary = Depends(get_store)) -> Response:
    _check_range(start, end)
    return _json([_record_json(d) for d in diary_service.days(store, start, end)])


@router.post("/days", tags=["diary"], status_code=201, summary="Log a day",
             responses={201: {"model": DayRecord, "headers": {**ETAG_HEADER, **CHANGE_HEADERS}}, **ERRORS, **CONFLICT})
def create_day(record: DayRecord, store: Diary = Depends(get_store)) -> Response:
    diary_service.log_day(store, record)
    return _json(_record_json(record), 201, _with_change(store, {"Location": f"/api/v1/days/{record.date.isoformat()}",
                                                                 "ETag": _etag(record)}))


@router.get("/days/{date}", tags=["diary"], summary="One day",
            responses={200: {"model": DayRecord, "headers": ETAG_HEADER}, **NOT_MODIFIED, **NOT_FOUND})
def get_day(date: DiaryDate, store: Diary = Depends(get_store),
             if_none_match: str | None = IfNoneMatchRead) -> Response:
    record = diary_service.day(store, date)
    if record is None:
        raise ApiError(404, _("no day logged for {date}", date=date.isoformat()))
    return _read(record, if_none_match)


@router.put("/days/{date}", tags=["diary"],
            summary="Replace the day of a date (If-Match: its ETag) or create it; undoable",
            responses={200: {"model": DayRecord, "headers": {**ETAG_HEADER, **CHANGE_HEADERS}}, **ERRORS, **PRECONDITIONS})
def put_day(date: DiaryDate, record: DayRecord, store: Diary = Depends(get_store),
            if_match: str | None = IfMatch, if_none_match: str | None = IfNoneMatch) -> Response:
    _same_date(date, record)
    _replace_or_delete("day", date, if_match, if_none_match,
                       lambda expected: diary_service.put_day(store, record, expected))
    return _json(_record_json(record), headers=_with_change(store, {"ETag": _etag(record)}))


@router.delete("/days/{date}", tags=["diary"], summary="Delete a day (If-Match: its ETag); undoable",
               responses={200: {"description": "Deleted.", "headers": CHANGE_HEADERS}, **NOT_FOUND, **PRECONDITIONS})
def delete_day(date: DiaryDate, store: Diary = Depends(get_store),
               if_match: str | None = IfMatch, if_none_match: str | None = IfNoneMatch) -> Response:
    _replace_or_delete("day", date, if_match, if_none_match,
                       lambda expected: diary_service.delete(store, date, "day", expected=expected))
    return _json({"deleted": "day", "date": date.isoformat(), "undo": "POST /api/v1/undo?change=<X-Change-Id>"},
                 headers=_with_change(store))


@router.post("/undo", tags=["diary"], summary="Undo a change (add, edit, delete, import) while it is still the last one",
             description="`change` is the `X-Change-Id` of the write to take back. When the diary changed since "
                         "(another device or client wrote after it, or it was undone already), 409 and nothing is "
                         "undone: an undo never takes back a change someone else saved.",
             responses={404: _err("Nothing to undo."),
                        409: _err("That change is no longer the last one (the diary changed since); nothing was "
                                  "undone."),
                        428: _err("`change` is required: the `X-Change-Id` of the write to undo; nothing was undone.")})
def undo(change: int | None = Query(None, ge=1, le=2**62, description="The `X-Change-Id` the write answered."),
         store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary.errors import UndoStaleError

    if change is None:
        raise ApiError(428, _("say which change to undo: send change= with the X-Change-Id header the write "
                              "answered; nothing was undone"))
    try:
        return _json({"message": diary_service.undo(store, change)})
    except UndoStaleError as exc:
        raise ApiError(409, str(exc)) from None


# --------------------------------------------------------------------------- insights


@router.get("/insights", tags=["insights"], summary="How often, how bad, when, what helped, possible triggers",
            responses=ERRORS)
def insights(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
             store: Diary = Depends(get_store)) -> Response:
    _check_range(start, end)
    from crampcare.services.insights import insights as compute
    from crampcare.services.insights import insights_json

    return _json(insights_json(compute(store, start, end)))


# --------------------------------------------------------------------------- export / import


@router.get("/export", tags=["transfer"], summary="The diary as CSV (one row per date) or JSON",
            responses={200: {"content": {"text/csv": {}, "application/json": {}}}, **ERRORS})
def export(format: Literal["csv", "json"] = Query("csv"), start: DiaryDate | None = FromDate,
           end: DiaryDate | None = ToDate, store: Diary = Depends(get_store)) -> Response:
    from crampcare.services.transfer import export_diary

    _check_range(start, end)
    return _download(export_diary(store, format, start, end))


@router.get("/export/fhir", tags=["transfer"], summary="A FHIR R4 Bundle of the diary and assessments",
            description="The nights and days from `from` to `to` (inclusive; the whole diary without them), every "
            "saved assessment, in the request's language (codes stay the same; texts follow `Accept-Language`).",
            responses={200: {"content": {"application/fhir+json": {}}}, **ERRORS})
def export_fhir(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
                store: Diary = Depends(get_store)) -> Response:
    from crampcare.services.transfer import export_diary

    _check_range(start, end)
    return _download(export_diary(store, "fhir", start, end))


def _download(exported: Any) -> Response:
    return Response(exported.text.encode("utf-8"), media_type=exported.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{exported.file_name}"'})


IMPORT_BODY = {
    "requestBody": {
        "description": "A diary file: CSV (text/csv), JSON (application/json, crampcare-diary or a FHIR Bundle) "
        "or a multipart form with a `file` field.",
        "content": {
            "text/csv": {"schema": {"type": "string", "minLength": 1}},
            "application/json": {"schema": {"type": "object"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"}}}},
        },
    }
}


@router.post("/import", tags=["transfer"], summary="Import a CSV or JSON diary (all or nothing, undoable)",
             openapi_extra=IMPORT_BODY, responses={200: {"description": "Imported.", "headers": CHANGE_HEADERS}, **ERRORS,
                                                   409: _err("A record differs from the stored one."),
                                                   413: _err("File over the import limit (64 MB; 16 MB on a server).")})
async def import_route(request: Request, format: Literal["csv", "json", "fhir"] | None = Query(None),
                       store: Diary = Depends(get_store)) -> Response:
    from crampcare.services.transfer import import_text

    text, name = await read_upload(request)
    summary = await run_in_threadpool(import_text, store, text, name, format)
    return _json(asdict(summary), headers=_with_change(store))
