"""Accounts for server mode (many users on one database)."""

from crampcare.accounts.service import (
    AccountError,
    AccountService,
    ApiToken,
    Session,
    TooManyAttemptsError,
    User,
)

__all__ = ["AccountError", "AccountService", "ApiToken", "Session", "TooManyAttemptsError", "User"]
