"""The JSON API under ``/api/v1``. OpenAPI: ``/openapi.json``, read it at ``/docs``.

Routes that touch the diary are plain ``def`` (run in the thread pool) and get the diary of
the current owner through :func:`crampcare.web.deps.get_store`. Responses are dumped with
``model_dump`` rather than re-validated: stored records were validated when written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal

import pydantic_core
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.concurrency import run_in_threadpool

from crampcare.diary.records import DayRecord, DiaryDate, NightRecord
from crampcare.web.deps import get_kb, get_owner, get_store
from crampcare.web.errors import ApiError

if TYPE_CHECKING:
    from crampcare.diary.store import DiaryStore
    from crampcare.knowledge.loader import KnowledgeBase

router = APIRouter(prefix="/api/v1")

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

FromDate = Query(None, alias="from", description="First date (YYYY-MM-DD, from 1900-01-01 to tomorrow), inclusive; "
                 "not after `to` (422 otherwise).")
ToDate = Query(None, alias="to", description="Last date (YYYY-MM-DD, from 1900-01-01 to tomorrow), inclusive; "
               "not before `from` (422 otherwise).")


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False).encode(), status_code=status, headers=headers,
                    media_type="application/json")


def _check_range(start: dt.date | None, end: dt.date | None) -> None:
    # Each end was checked by DiaryDate (YYYY-MM-DD, 1900 to tomorrow); here only their order.
    if start is not None and end is not None and start > end:
        raise ApiError(422, "'from' is after 'to'", fields=[{"field": "query.from", "message": "is after 'to'"}])


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
        return {"anyOf": [number, nothing]}
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
async def assess_route(body: AssessRequest, request: Request, owner: str = Depends(get_owner)) -> Response:
    from crampcare.assess.engine import assess_data

    # Plain data straight to JSON: no model built and re-validated per request (the property
    # tests check that assess_data always validates as an Assessment).
    result = assess_data(body.answers, with_trace=body.trace or body.save)
    shown = result if body.trace else {**result, "trace": []}
    payload = pydantic_core.to_json(shown)
    if not body.save:
        return Response(payload, media_type="application/json")

    def save() -> int:
        from crampcare.diary.store import DiaryStore

        store = DiaryStore(request.app.state.engine, owner)
        return store.save_assessment(result["answers"], result)  # always with its full trace

    saved_id = await run_in_threadpool(save)
    return Response(payload, status_code=201, media_type="application/json",
                    headers={"Location": f"/api/v1/assessments/{saved_id}"})


def _stored(item: Any) -> dict[str, Any]:
    data: dict[str, Any] = item.model_dump(mode="json")
    return data


@router.get("/assessments", tags=["assessment"], summary="Saved assessments, oldest first")
def list_assessments(store: DiaryStore = Depends(get_store)) -> Response:
    return _json([_stored(a) for a in store.list_assessments()])


@router.get("/assessments/latest", tags=["assessment"], summary="The most recent saved assessment",
            responses=NOT_FOUND)
def latest_assessment(store: DiaryStore = Depends(get_store)) -> Response:
    latest = store.latest_assessment()
    if latest is None:
        raise ApiError(404, "no assessment saved yet")
    return _json(_stored(latest))


@router.get("/assessments/{assessment_id}", tags=["assessment"], summary="One saved assessment", responses=NOT_FOUND)
def get_assessment(assessment_id: int, store: DiaryStore = Depends(get_store)) -> Response:
    for item in store.list_assessments():
        if item.id == assessment_id:
            return _json(_stored(item))
    raise ApiError(404, f"no assessment {assessment_id}")


# --------------------------------------------------------------------------- nights and days


def _record_json(record: NightRecord | DayRecord) -> dict[str, Any]:
    data: dict[str, Any] = record.model_dump(mode="json")
    return data


def _same_date(path_date: dt.date, record: NightRecord | DayRecord) -> None:
    if record.date != path_date:
        raise ApiError(422, f"the body's date {record.date} is not the date in the path ({path_date})",
                       fields=[{"field": "date", "message": "must equal the date in the path"}])


@router.get("/nights", tags=["diary"], summary="Nights in a date range, oldest first",
            responses={200: {"model": list[NightRecord]}, **ERRORS})
def list_nights(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
                store: DiaryStore = Depends(get_store)) -> Response:
    _check_range(start, end)
    return _json([_record_json(n) for n in store.list_nights(start, end)])


@router.post("/nights", tags=["diary"], status_code=201, summary="Log a night (no cramps = a quiet night)",
             responses={201: {"model": NightRecord}, **ERRORS, **CONFLICT})
def create_night(record: NightRecord, store: DiaryStore = Depends(get_store)) -> Response:
    store.add_night(record)
    return _json(_record_json(record), 201, {"Location": f"/api/v1/nights/{record.date.isoformat()}"})


@router.get("/nights/{date}", tags=["diary"], summary="One night", responses={200: {"model": NightRecord}, **NOT_FOUND})
def get_night(date: DiaryDate, store: DiaryStore = Depends(get_store)) -> Response:
    record = store.get_night(date)
    if record is None:
        raise ApiError(404, f"no night logged for {date.isoformat()}")
    return _json(_record_json(record))


@router.put("/nights/{date}", tags=["diary"], summary="Replace (or create) the night of a date; undoable",
            responses={200: {"model": NightRecord}, **ERRORS})
def put_night(date: DiaryDate, record: NightRecord, store: DiaryStore = Depends(get_store)) -> Response:
    _same_date(date, record)
    store.put_night(record)
    return _json(_record_json(record))


@router.delete("/nights/{date}", tags=["diary"], summary="Delete a night; undoable", responses=NOT_FOUND)
def delete_night(date: DiaryDate, store: DiaryStore = Depends(get_store)) -> Response:
    store.delete_night(date)
    return _json({"deleted": "night", "date": date.isoformat(), "undo": "POST /api/v1/undo"})


@router.get("/days", tags=["diary"], summary="Days in a date range, oldest first",
            responses={200: {"model": list[DayRecord]}, **ERRORS})
def list_days(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
              store: DiaryStore = Depends(get_store)) -> Response:
    _check_range(start, end)
    return _json([_record_json(d) for d in store.list_days(start, end)])


@router.post("/days", tags=["diary"], status_code=201, summary="Log a day",
             responses={201: {"model": DayRecord}, **ERRORS, **CONFLICT})
def create_day(record: DayRecord, store: DiaryStore = Depends(get_store)) -> Response:
    store.add_day(record)
    return _json(_record_json(record), 201, {"Location": f"/api/v1/days/{record.date.isoformat()}"})


@router.get("/days/{date}", tags=["diary"], summary="One day", responses={200: {"model": DayRecord}, **NOT_FOUND})
def get_day(date: DiaryDate, store: DiaryStore = Depends(get_store)) -> Response:
    record = store.get_day(date)
    if record is None:
        raise ApiError(404, f"no day logged for {date.isoformat()}")
    return _json(_record_json(record))


@router.put("/days/{date}", tags=["diary"], summary="Replace (or create) the day of a date; undoable",
            responses={200: {"model": DayRecord}, **ERRORS})
def put_day(date: DiaryDate, record: DayRecord, store: DiaryStore = Depends(get_store)) -> Response:
    _same_date(date, record)
    store.put_day(record)
    return _json(_record_json(record))


@router.delete("/days/{date}", tags=["diary"], summary="Delete a day; undoable", responses=NOT_FOUND)
def delete_day(date: DiaryDate, store: DiaryStore = Depends(get_store)) -> Response:
    store.delete_day(date)
    return _json({"deleted": "day", "date": date.isoformat(), "undo": "POST /api/v1/undo"})


@router.post("/undo", tags=["diary"], summary="Undo the last change (add, edit, delete, import)",
             responses={404: _err("Nothing to undo.")})
def undo(store: DiaryStore = Depends(get_store)) -> Response:
    return _json({"message": store.undo()})


# --------------------------------------------------------------------------- insights


def compute_for(store: DiaryStore, start: dt.date | None = None, end: dt.date | None = None) -> Any:
    from crampcare.insights.from_diary import insights_for

    return insights_for(store, start, end)


@router.get("/insights", tags=["insights"], summary="How often, how bad, when, what helped, possible triggers",
            responses=ERRORS)
def insights(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
             store: DiaryStore = Depends(get_store)) -> Response:
    _check_range(start, end)
    result = compute_for(store, start, end)
    data = result.model_dump(mode="json")
    data["summary"] = result.summary()
    return _json(data)


# --------------------------------------------------------------------------- export / import


@router.get("/export", tags=["transfer"], summary="The diary as CSV (one row per date) or JSON",
            responses={200: {"content": {"text/csv": {}, "application/json": {}}}, **ERRORS})
def export(format: Literal["csv", "json"] = Query("csv"), start: DiaryDate | None = FromDate,
           end: DiaryDate | None = ToDate, store: DiaryStore = Depends(get_store)) -> Response:
    from crampcare.diary.transfer import EXPORTERS, collect

    _check_range(start, end)
    text = EXPORTERS[format](collect(store, start, end))
    media = "text/csv; charset=utf-8" if format == "csv" else "application/json"
    name = f"crampcare-diary-{dt.date.today().isoformat()}.{format}"
    return Response(text.encode("utf-8"), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/export/fhir", tags=["transfer"], summary="A FHIR R4 Bundle of the diary and assessments", response_class=Response,
            responses={200: {"description": "A FHIR R4 Bundle (JSON).", "content": {"application/fhir+json": {
                "schema": {"type": "object", "required": ["resourceType"]}}}},
                       501: _err("Reports are not installed.")})
def export_fhir(store: DiaryStore = Depends(get_store)) -> Response:
    bundle = report_function("fhir_bundle")(store)
    name = f"crampcare-fhir-{dt.date.today().isoformat()}.json"
    return Response(json.dumps(bundle, ensure_ascii=False, indent=2).encode(), media_type="application/fhir+json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def report_function(name: str) -> Any:
    """``crampcare.report.<name>``, imported only when a report is asked for (501 when not installed)."""
    unavailable = ApiError(501, "reports are not available in this version of crampcare")
    try:
        import crampcare.report as report

        return getattr(report, name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("crampcare.report"):
            raise unavailable from None
        raise
    except AttributeError:
        raise unavailable from None


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


async def read_upload(request: Request) -> tuple[str, str]:
    """(text, file name) of an import request: a raw body or a multipart ``file`` field."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    name = ""
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(422, "attach the diary as a form field named 'file'",
                           fields=[{"field": "file", "message": "missing"}])
        raw = await upload.read()
        name = upload.filename or ""
    else:
        raw = await request.body()
    if not raw.strip():
        raise ApiError(422, "the file is empty", fields=[{"field": "body", "message": "empty"}])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(422, "the file is not UTF-8 text; save it as UTF-8 CSV or JSON",
                       fields=[{"field": "body", "message": "not UTF-8"}]) from None
    if "\x00" in text:
        raise ApiError(422, "the file contains NUL characters; it is not a CSV or JSON diary",
                       fields=[{"field": "body", "message": "binary data"}])
    if not name and content_type in ("text/csv", "application/csv"):
        name = "upload.csv"
    elif not name and content_type in ("application/json", "application/fhir+json"):
        name = "upload.json"
    return text, name


def import_text(store: DiaryStore, text: str, name: str, fmt: str | None) -> dict[str, Any]:
    """Validate and add a CSV/JSON diary (or a FHIR Bundle); all or nothing, one undoable change."""
    from crampcare.diary.transfer import detect_format, parse_import

    fmt = fmt or detect_format(name or "upload", text)
    document: Any = None
    if fmt in ("json", "fhir"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            document = None  # parse_import names the line and column
        except RecursionError:
            raise ApiError(422, "the JSON is nested too deeply", fields=[{"field": "body", "message": "too deep"}]) from None
        if isinstance(document, dict) and document.get("resourceType") == "Bundle":
            fmt = "fhir"
    if fmt == "fhir":
        import_fhir = report_function("import_fhir")
        if document is None:
            raise ApiError(422, "not valid JSON", fields=[{"field": "body", "message": "not valid JSON"}])
        if not isinstance(document, dict):
            raise ApiError(422, "expected a FHIR Bundle object", fields=[{"field": "body", "message": "not an object"}])
        try:
            summary = import_fhir(store, document)
        except RecursionError:
            raise ApiError(422, "the FHIR resources are nested too deeply",
                           fields=[{"field": "body", "message": "too deep"}]) from None
        if hasattr(summary, "model_dump"):
            return {"format": "fhir", **summary.model_dump(mode="json")}
        if hasattr(summary, "__dataclass_fields__"):
            return {"format": "fhir", **asdict(summary)}
        return {"format": "fhir", "result": summary if isinstance(summary, (dict, list, str, int)) else str(summary)}
    batch = parse_import(text, source="", fmt=fmt)
    result = store.add_many(batch.nights, batch.days)
    return {"format": fmt, **asdict(result)}


@router.post("/import", tags=["transfer"], summary="Import a CSV or JSON diary (all or nothing, undoable)",
             openapi_extra=IMPORT_BODY, responses={**ERRORS, 409: _err("A record differs from the stored one.")})
async def import_route(request: Request, format: Literal["csv", "json", "fhir"] | None = Query(None),
                       store: DiaryStore = Depends(get_store)) -> Response:
    text, name = await read_upload(request)
    summary = await run_in_threadpool(import_text, store, text, name, format)
    return _json(summary)
