"""The dashboard's open warning questions are the assessment's own ``unanswered_warning_questions``.

0004's summary trigger counted a saved assessment's open warning questions as the unanswered ones
among ``warning_signs_asked``, the questions of the interview's first page. A person who answered
all of those "no" but left open a question that keeps a warning sign from being ruled out (how long
the cramp lasts, whether stretching eases it: the prolonged cramp) got "see a doctor, not complete"
from the assessment, yet the clinician's dashboard counted 0 and did not flag them. Nothing answered
is not "no": the count is now the length of the assessment's ``unanswered_warning_questions``, the
rule every client shows (a result stored without that list, from an older version, keeps the old
count). The trigger is replaced and every stored summary row recomputed from its assessment; the
downgrade puts 0004's trigger and count back.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLINIC = importlib.import_module("crampcare.db.migrations.versions.0004_clinic")

# 0004's count, exactly as its trigger has it ({a}: the assessment row).
_PG_ASKED = """CASE jsonb_typeof({a}.result->'warning_signs_asked') WHEN 'object' THEN
       (SELECT count(*) FROM jsonb_each({a}.result->'warning_signs_asked') e WHERE e.value = 'null'::jsonb)
       ELSE 0 END"""
_SQLITE_ASKED = """CASE json_type({a}.result, '$.warning_signs_asked') WHEN 'object' THEN
       (SELECT count(*) FROM json_each({a}.result, '$.warning_signs_asked') WHERE type = 'null') ELSE 0 END"""
assert _PG_ASKED in _CLINIC.PG_ASSESSMENT_COLUMNS and _SQLITE_ASKED in _CLINIC.SQLITE_ASSESSMENT_COLUMNS

_PG_UNANSWERED = ("CASE jsonb_typeof({a}.result->'unanswered_warning_questions') WHEN 'array' THEN "
                  "jsonb_array_length({a}.result->'unanswered_warning_questions') ELSE " + _PG_ASKED + " END")
_SQLITE_UNANSWERED = ("CASE json_type({a}.result, '$.unanswered_warning_questions') WHEN 'array' THEN "
                      "json_array_length({a}.result, '$.unanswered_warning_questions') ELSE " + _SQLITE_ASKED + " END")

_PG_SAVED = _CLINIC.PG_ASSESSMENT_SAVED.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
_SQLITE_SAVED = next(s for s in _CLINIC.SQLITE_TRIGGERS if s.startswith("CREATE TRIGGER clinic_assessment_saved "))


def _count_with(postgresql: str, sqlite: str) -> None:
    """0004's summary trigger, counting open warning questions with ``postgresql`` or ``sqlite``; every
    stored summary row recomputed from its assessment."""
    if op.get_bind().dialect.name == "postgresql":
        count = postgresql
        op.execute(_PG_SAVED.replace(_PG_ASKED.format(a="a"), count.format(a="a")))
    else:
        count = sqlite
        op.execute("DROP TRIGGER clinic_assessment_saved")
        op.execute(_SQLITE_SAVED.replace(_SQLITE_ASKED.format(a="NEW"), count.format(a="NEW")))
    op.execute(f"UPDATE clinic_assessment_summaries SET warning_questions_open = (SELECT {count.format(a='a')} "
               "FROM assessments a WHERE a.id = clinic_assessment_summaries.assessment_id)")


def upgrade() -> None:
    _count_with(_PG_UNANSWERED, _SQLITE_UNANSWERED)


def downgrade() -> None:
    _count_with(_PG_ASKED, _SQLITE_ASKED)
