"""Accounts on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, update

from crampcare.accounts import AccountError, AccountService, TooManyAttemptsError
from crampcare.accounts.models import LoginAttemptRow, SessionRow
from crampcare.db.engine import make_engine
from crampcare.diary.records import NightRecord
from crampcare.diary.store import DiaryStore

PASSWORD = "correct horse battery"


@pytest.fixture
def service(migrated_db_url: str) -> AccountService:
    return AccountService(make_engine(migrated_db_url))


def test_sign_up_and_log_in(service: AccountService) -> None:
    user = service.sign_up("  Ann@Example.org ", PASSWORD)
    assert user.email == "ann@example.org" and user.owner_id.startswith("u-")
    assert service.authenticate("ann@example.org", PASSWORD) == user
    with pytest.raises(AccountError, match="already exists"):
        service.sign_up("ann@example.org", PASSWORD)


def test_passwords_are_stored_as_argon2id_at_full_cost(cheap_password_hashing: Any) -> None:
    """The suite hashes cheaply (conftest); the hasher crampcare itself uses keeps the full cost."""
    from argon2 import Type

    real = cheap_password_hashing
    assert real.type is Type.ID and real.time_cost >= 3 and real.memory_cost >= 64 * 1024
    assert real.hash(PASSWORD).startswith("$argon2id$v=19$m=65536,t=3,")


@pytest.mark.parametrize(("email", "password", "field"), [
    ("not-an-email", PASSWORD, "email"), ("a@b.org", "short", "password"), ("abcdefghij@x.org", "abcdefghij@x.org", "password"),
])
def test_sign_up_refuses_bad_input(service: AccountService, email: str, password: str, field: str) -> None:
    with pytest.raises(AccountError) as info:
        service.sign_up(email, password)
    assert info.value.field == field


def test_wrong_password_and_rate_limit(service: AccountService) -> None:
    service.sign_up("bob@example.org", PASSWORD)
    for _ in range(5):
        with pytest.raises(AccountError, match="wrong e-mail or password"):
            service.authenticate("bob@example.org", "wrong password!", client="10.0.0.1")
    with pytest.raises(TooManyAttemptsError):
        service.authenticate("bob@example.org", PASSWORD, client="10.0.0.1")
    # A stranger's guesses never lock the owner out from another address...
    assert service.authenticate("bob@example.org", PASSWORD, client="10.0.0.2").email == "bob@example.org"
    with pytest.raises(AccountError, match="wrong e-mail or password"):
        service.authenticate("nobody@example.org", PASSWORD)


def test_sessions_expire_and_end(service: AccountService) -> None:
    user = service.sign_up("cat@example.org", PASSWORD)
    token, session = service.create_session(user)
    assert service.session(token) == session
    assert service.session("forged") is None and service.session(None) is None
    with service.engine.begin() as conn:
        conn.execute(update(SessionRow).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert service.session(token) is None
    token2, _ = service.create_session(user)
    service.end_session(token2)
    assert service.session(token2) is None


def test_api_tokens_and_password_change(service: AccountService) -> None:
    user = service.sign_up("dan@example.org", PASSWORD)
    api = service.create_api_token(user, "phone")
    assert service.user_for_api_token(api) == user
    keep, _ = service.create_session(user)
    other, _ = service.create_session(user)
    with pytest.raises(AccountError):
        service.change_password(user, "not the password", "a brand new password")
    service.change_password(user, PASSWORD, "a brand new password", keep_session=keep)
    assert service.session(keep) is not None and service.session(other) is None
    assert service.user_for_api_token(api) is None
    assert service.authenticate("dan@example.org", "a brand new password") == user


def test_delete_account_removes_only_that_users_data(service: AccountService) -> None:
    ann = service.sign_up("ann@example.org", PASSWORD)
    bob = service.sign_up("bob@example.org", PASSWORD)
    night = NightRecord(date=dt.date(2026, 11, 1))
    for user in (ann, bob):
        with DiaryStore(service.engine, owner=user.owner_id) as store:
            store.add_night(night)
    removed = service.delete_account(ann, PASSWORD)
    assert removed["nights"] == 1
    with pytest.raises(AccountError):
        service.authenticate("ann@example.org", PASSWORD)
    with DiaryStore(service.engine, owner=ann.owner_id) as store:
        assert store.list_nights() == []
    with DiaryStore(service.engine, owner=bob.owner_id) as store:
        assert store.list_nights() == [night]


def test_sign_ups_per_client_address_are_limited(service: AccountService) -> None:
    for index in range(3):
        service.sign_up(f"user{index}@example.org", PASSWORD, client="203.0.113.9", limit=3)
    with pytest.raises(TooManyAttemptsError, match="too many sign-ups"):
        service.sign_up("user9@example.org", PASSWORD, client="203.0.113.9", limit=3)
    service.sign_up("user9@example.org", PASSWORD, client="198.51.100.1", limit=3)  # another address
    service.sign_up("user10@example.org", PASSWORD, client="203.0.113.9", limit=0)  # 0: no limit


def test_one_address_is_limited_across_e_mails(service: AccountService) -> None:
    for number in range(20):
        with pytest.raises(AccountError, match="wrong e-mail or password"):
            service.authenticate(f"guess{number}@example.org", "wrong password!", client="10.0.0.9")
    with pytest.raises(TooManyAttemptsError):
        service.authenticate("someone@example.org", "wrong password!", client="10.0.0.9")


def test_refused_and_successful_log_ins_do_not_count_as_failures(service: AccountService) -> None:
    service.sign_up("dan@example.org", PASSWORD)
    for _ in range(4):
        with pytest.raises(AccountError, match="wrong e-mail or password"):
            service.authenticate("dan@example.org", "wrong password!", client="10.0.0.3")
    for _ in range(3):  # successes in between leave the four failures where they were
        service.authenticate("dan@example.org", PASSWORD, client="10.0.0.3")
    with pytest.raises(AccountError, match="wrong e-mail or password"):
        service.authenticate("dan@example.org", "wrong password!", client="10.0.0.3")
    for _ in range(3):  # refused without a check: they do not extend the lock-out
        with pytest.raises(TooManyAttemptsError):
            service.authenticate("dan@example.org", PASSWORD, client="10.0.0.3")
    with service.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LoginAttemptRow)).scalar_one() == 5 + 5


def test_the_first_log_in_with_an_unknown_e_mail_takes_no_longer_than_with_a_known_one(
        cheap_password_hashing: Any, new_migrated_sqlite: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the full cost (SQLite only: the hashing is the point). The dummy hash an unknown e-mail is
    checked against was made by the first such log-in of each process, which so took twice as long
    (0.38 s of CPU against 0.20 s) and told that the e-mail has no account."""
    import time

    from crampcare.accounts import service as accounts

    monkeypatch.setattr(accounts, "_hasher", cheap_password_hashing)  # the real cost
    accounts._dummy_hash.cache_clear()
    try:
        service = AccountService(make_engine(new_migrated_sqlite(tmp_path / "accounts.db")))
        service.sign_up("known@example.org", PASSWORD)
        spent = {}
        for email in ("nobody@example.org", "known@example.org"):
            started = time.process_time()
            with pytest.raises(AccountError, match="wrong e-mail or password"):
                service.authenticate(email, "not the password", client=f"192.0.2.{len(spent)}")
            spent[email] = time.process_time() - started
        assert spent["nobody@example.org"] < 1.5 * spent["known@example.org"], spent
    finally:
        accounts._dummy_hash.cache_clear()  # the other tests' hashes are cheap again
