"""Accounts for server mode (many users on one database)."""

from crampcare.accounts.service import AccountError, AccountService, Session, TooManyAttemptsError, User

__all__ = ["AccountError", "AccountService", "Session", "TooManyAttemptsError", "User"]
