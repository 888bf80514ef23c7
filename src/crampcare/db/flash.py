"""The table of one-time messages ("flash") a web page shows once after a form's redirect.

A row is left by the form's POST and taken (deleted) by the GET it redirects to: the browser holds
only a random token in a cookie, the database its hash, the message's kind and its values. So what
the page says ("Imported 3 nights", "Deleted 2027-03-01") comes from what the server did, never from
the URL, which anyone can write into a link.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crampcare.db.base import Base, JsonType


class FlashRow(Base):
    __tablename__ = "flash_messages"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The account it was left for (server mode), NULL for nobody logged in (local mode, or after a
    # log-out); it goes with the account.
    user_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE", name="fk_flash_messages_user_id"), nullable=True,
        index=True,
    )
    page: Mapped[str] = mapped_column(String(100), nullable=False)  # the path that shows it
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
