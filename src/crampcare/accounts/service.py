"""Accounts: sign-up, log-in with rate limiting, sessions, API tokens, password change,
account deletion with all its data. No web code here; the web layer calls these.

Nothing is kept in memory between calls (sessions, attempts and tokens live in the
database), so any number of worker processes can serve the same users.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import os
import re
import secrets
import threading
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from crampcare.accounts.models import ApiTokenRow, LoginAttemptRow, SessionRow, UserRow
from crampcare.db.writes import Owner, OwnerGoneError, run_write
from crampcare.diary.store import DiaryStore
from crampcare.i18n.context import _
from crampcare.plaintext import ControlCharacterError, plain_text

SESSION_LIFETIME = dt.timedelta(days=14)
# At most this many failed log-ins per e-mail in the window...
MAX_FAILED_LOGINS = 5
# ...and per client address: higher, because a clinic's staff and patients may share one
# address (NAT, or a load balancer whose forwarded headers are not trusted), and one person's
# typos must not lock everybody out.
MAX_FAILED_LOGINS_PER_CLIENT = 20
LOGIN_WINDOW = dt.timedelta(minutes=15)
# Sign-ups per client address in the same window.
MAX_SIGNUPS_PER_CLIENT = 10
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1000
# Unquoted addresses only: letters (any script), digits and the RFC 5322 atext symbols in the
# local part; letters, digits and hyphens in the domain. No spaces, quotes, <>, (), ;, :, \.
EMAIL_PATTERN = r"^[\w.!#$%&'*+/=?^`{|}~-]{1,64}@(?:[\w-]{1,63}\.){1,10}[\w-]{2,63}$"
_EMAIL = re.compile(EMAIL_PATTERN)
# An e-mail as a person may type it (the API documents this): spaces around it are trimmed, and
# case and full-width letters do not matter (:func:`email_key`).
EMAIL_INPUT_PATTERN = r"^\s*" + EMAIL_PATTERN[1:-1] + r"\s*$"

_hasher = PasswordHasher()
# Each Argon2 hash takes 64 MiB and ~0.2 s of CPU; bound how many run at once in one process so
# a burst of log-ins cannot exhaust memory (a resource limit, not per-user state).
_HASH_SLOTS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


@contextmanager
def _hash_slot() -> Iterator[None]:
    with _HASH_SLOTS:
        yield


def _hash(password: str) -> str:
    with _hash_slot():
        return _hasher.hash(password)


def _verify(stored_hash: str, password: str) -> bool:
    with _hash_slot():
        try:
            return bool(_hasher.verify(stored_hash, password))
        except (VerificationError, InvalidHashError):
            return False


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when the e-mail is unknown keeps the response time the same, so
    timing does not reveal which e-mails have accounts (made when the service starts)."""
    return _hash("not a real password, only for timing")


class AccountError(ValueError):
    """A refused account operation; ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class TooManyAttemptsError(AccountError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("too many failed log-ins; wait 15 minutes and try again"), code="rate_limited")


@dataclass(frozen=True)
class User:
    id: int
    email: str
    owner_id: str
    language: str | None = None  # the language the person chose for the web, if any
    region: str | None = None  # the region of emergency numbers the person chose, if any
    # Which password the credential of this request was checked against (a digest of its hash):
    # a session or token issued on it after a password change is refused. ``None``: not known.
    password_stamp: str | None = field(default=None, compare=False, repr=False)
    # Checked by a personal API token (kept in a script, perhaps on another machine): it reaches the
    # diary and the account, but never gives anyone access that would outlive its revocation.
    by_api_token: bool = field(default=False, compare=False, repr=False)


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class ApiToken:
    """A personal API token as listed to its owner (the secret itself is shown only once)."""

    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime  # refused from then on (listed until its owner deletes it)

    @property
    def expired(self) -> bool:
        return self.expires_at <= _now()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _password_stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def client_key(client: str) -> str:
    """The address log-in and sign-up limits count by: an IPv6 address by its /64 network, which one
    subscriber (or one cloud machine) is handed whole, so 2**64 addresses are not 2**64 fresh
    allowances; IPv4 (also written as IPv6) and anything else as it is."""
    try:
        address = ipaddress.ip_address(client.strip().strip("[]"))
    except ValueError:
        return client[:64]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else address)


def email_key(email: str) -> str:
    """An e-mail as it is stored and looked up (sign-up, log-in, invitations, roles): NFKC, so
    full-width letters and a decomposed accent are the letters everyone else types; no
    surrounding spaces; case-folded (Unicode's caseless matching, NFKC_Casefold): ``lower()`` left
    "ΝΊΚΟΣ" (final sigma) and "STRASSE" another address than "νίκοσ" and "straße", so a second account
    differed from the first only in case. A domain label in its ASCII form ("xn--e1afmkfd") is read as
    its letters ("пример"): one address either way, and the look-alike check sees those letters.
    Migration 0016 re-keys the addresses stored before."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email).strip().casefold())
    local, at, domain = folded.rpartition("@")
    if not at or "xn--" not in domain:
        return folded
    return local + at + ".".join(_label_letters(label) for label in domain.split("."))


def _label_letters(label: str) -> str:
    """A domain label as letters: "xn--e1afmkfd" is "пример"; any other label (or not valid Punycode) as is."""
    if not label.startswith("xn--"):
        return label
    try:
        letters = label.encode("ascii").decode("idna")
    except UnicodeError:
        return label
    return unicodedata.normalize("NFKC", letters.casefold())


# Scripts that one language writes together (Japanese, Korean, Chinese): one "alphabet" here.
_SCRIPT_FAMILIES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "BOPOMOFO": "CJK", "IDEOGRAPHIC": "CJK"}


def _mixed_scripts(part: str) -> bool:
    scripts = {_SCRIPT_FAMILIES.get(name, name) for name in
               (unicodedata.name(ch, "?").split(" ", 1)[0] for ch in part if ch.isalpha())}
    return len(scripts) > 1


def normalise_email(email: str) -> str:
    """The e-mail of a new account (:func:`email_key`), refused when it is not an address, or when
    a word of it mixes alphabets: "аnn@example.org" with a Cyrillic "а" would show on a
    clinician's dashboard exactly like the patient ann@example.org."""
    value = email_key(email)
    if len(value) > 320 or not _EMAIL.match(value):
        raise AccountError(_("enter a valid e-mail address"), field="email")
    mixed = next((word for word in re.split(r"[\W_]+", value) if _mixed_scripts(word)), None)
    if mixed is not None:
        raise AccountError(_("{word} mixes letters of different alphabets (a look-alike of another address); "
                             "write each word of the e-mail address in one alphabet", word=repr(mixed)), field="email")
    return value


def check_password_strength(password: str, email: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("use at least {n} characters", n=MIN_PASSWORD_LENGTH), field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(_("use at most {n} characters", n=MAX_PASSWORD_LENGTH), field="password")
    if email and password.lower() == email.lower():
        raise AccountError(_("the password must not be your e-mail address"), field="password")


def end_credentials(conn: Connection, user_id: int, keep_session: str | None = None) -> None:
    """End every session (but ``keep_session``'s, the browser that asked) and every personal API token of
    the account, in the caller's transaction: after a password change, and after a role change (a
    session or token issued to a patient never carries a clinician's reach; the person logs in again, so
    the session id changes with the role)."""
    sessions = delete(SessionRow).where(SessionRow.user_id == user_id)
    if keep_session:
        sessions = sessions.where(SessionRow.token_hash != _hash_token(keep_session))
    conn.execute(sessions)
    conn.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id))


#: How long a personal API token works after it is made, unless the server is configured otherwise
#: (``api_token_days``): a token that leaked from a script stops working even if nobody revokes it.
DEFAULT_TOKEN_LIFETIME = dt.timedelta(days=365)


@functools.cache
def _time_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def known_time_zone(name: str) -> str | None:
    """``name`` when it is an IANA time zone this machine knows (``Europe/Moscow``), else ``None``."""
    name = name.strip()
    return name if name in _time_zones() else None


def owner_time_zone(engine: Engine, owner_id: str) -> str | None:
    """The time zone remembered for the account whose diary is ``owner_id`` (``None`` in local mode, or not known)."""
    with engine.connect() as conn:
        return conn.execute(select(UserRow.time_zone).where(UserRow.owner_id == owner_id)).scalar_one_or_none()


class AccountService:
    def __init__(self, engine: Engine, token_lifetime: dt.timedelta = DEFAULT_TOKEN_LIFETIME):
        self.engine = engine
        self.token_lifetime = token_lifetime
        # Made now, once per process, not by the first log-in with an unknown e-mail: that one would take
        # twice as long as any with a known e-mail, and so tell which kind it was.
        _dummy_hash()

    # --- sign-up and log-in ---------------------------------------------------------
    def sign_up(self, email: str, password: str, client: str = "",
                limit: int = MAX_SIGNUPS_PER_CLIENT) -> User:
        """Create an account. At most ``limit`` sign-ups per client address in the window
        (0: no limit): each costs a slow password hash, and mass sign-ups would load the server."""
        address = normalise_email(email)
        check_password_strength(password, address)
        if client and limit:
            self._count_signup(f"signup:{client_key(client)}", limit)
        owner_id = f"u-{uuid.uuid4().hex}"
        password_hash = _hash(password)
        try:
            with self.engine.begin() as conn:
                user_id = conn.execute(
                    insert(UserRow).values(email=address, password_hash=password_hash, owner_id=owner_id,
                                           created_at=_now()).returning(UserRow.id)
                ).scalar_one()
        except IntegrityError:
            raise AccountError(_("an account with this e-mail already exists"), field="email", code="conflict") from None
        return User(id=user_id, email=address, owner_id=owner_id, password_stamp=_password_stamp(password_hash))

    def _count_signup(self, key: str, limit: int) -> None:
        """Count this sign-up, then refuse it if it is over the limit. Counted first, in its own
        committed transaction (as log-ins are), so parallel sign-ups cannot all see the count
        below the limit before any of them is written; a refused one is not counted."""
        attempt_ids = self._record_attempts([key])
        with self.engine.connect() as conn:
            over_limit = self._recent_attempts(conn, key) > limit
        if over_limit:
            self._forget_attempts(attempt_ids)
            raise TooManyAttemptsError(_("too many sign-ups from this address; wait 15 minutes and try again"))

    @staticmethod
    def _recent_attempts(conn: Connection, key: str) -> int:
        """Attempts counted under ``key`` in the window (this one included)."""
        since = _now() - LOGIN_WINDOW
        return int(conn.execute(
            select(func.count()).select_from(LoginAttemptRow).where(LoginAttemptRow.key == key, LoginAttemptRow.at >= since)
        ).scalar_one())

    def authenticate(self, email: str, password: str, client: str = "") -> User:
        """Check credentials; raises :class:`TooManyAttemptsError` past the limit.

        The attempt is counted before the (slow) password check, in its own committed
        transaction, so parallel guesses cannot all slip under the limit: the k-th attempt to
        commit sees at least k attempts. Limits are per (e-mail, client address) and per address,
        so a stranger elsewhere cannot lock the owner out of their own account.
        """
        address = email_key(email)
        # Nothing longer than any stored e-mail or password is checked as its first 320 or 1000 characters:
        # refused as a wrong e-mail or password (after the same work, so in the same time).
        too_long = len(address) > 320 or len(password) > MAX_PASSWORD_LENGTH
        address = address[:320]
        where = client_key(client) if client else ""
        limits = {f"login:{address}|{where}": MAX_FAILED_LOGINS}
        if where:
            limits[f"client:{where}"] = MAX_FAILED_LOGINS_PER_CLIENT
        attempt_ids = self._record_attempts(list(limits))
        with self.engine.connect() as conn:
            over_limit = any(self._recent_attempts(conn, key) > limit for key, limit in limits.items())
            row = None if over_limit or too_long else conn.execute(
                select(UserRow.id, UserRow.email, UserRow.owner_id, UserRow.password_hash, UserRow.language, UserRow.region)
                .where(UserRow.email == address)
            ).one_or_none()
        if over_limit:
            # A refused attempt cost nothing, so it does not extend the lock-out.
            self._forget_attempts(attempt_ids)
            raise TooManyAttemptsError()
        stored_hash = row.password_hash if row is not None else _dummy_hash()
        valid = _verify(stored_hash, password[:MAX_PASSWORD_LENGTH]) and row is not None
        if not valid:
            raise AccountError(_("wrong e-mail or password"), code="unauthorized")
        assert row is not None
        self._forget_attempts(attempt_ids)
        password_hash = row.password_hash
        if _hasher.check_needs_rehash(password_hash):
            password_hash = _hash(password)
            with self.engine.begin() as conn:
                conn.execute(update(UserRow).where(UserRow.id == row.id, UserRow.password_hash == row.password_hash)
                             .values(password_hash=password_hash))
        return User(id=row.id, email=row.email, owner_id=row.owner_id, language=row.language, region=row.region,
                    password_stamp=_password_stamp(password_hash))

    def _record_attempts(self, keys: list[str]) -> list[int]:
        with self.engine.begin() as conn:
            conn.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < _now() - LOGIN_WINDOW))
            now = _now()
            return [conn.execute(insert(LoginAttemptRow).values(key=key, at=now).returning(LoginAttemptRow.id))
                    .scalar_one() for key in keys]

    def _forget_attempts(self, attempt_ids: list[int]) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(LoginAttemptRow).where(LoginAttemptRow.id.in_(attempt_ids)))

    # --- sessions -------------------------------------------------------------------
    def create_session(self, user: User, replacing: str | None = None, time_zone: str | None = None) -> tuple[str, Session]:
        """A new session for ``user``; the one its browser came with (``replacing``) ends in the
        same transaction, so a log-in never leaves a fixed or stale session token alive. ``time_zone``:
        what the device says its zone is (an IANA name), remembered for the offsets of the account's FHIR
        export; a name that is not a zone is ignored, so a device that says nothing useful never stops a log-in."""
        zone = known_time_zone(time_zone or "")
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = _now()
        expires = now + SESSION_LIFETIME

        def write(conn: Connection) -> None:
            self._check_still_valid(conn, user)
            conn.execute(insert(SessionRow).values(token_hash=_hash_token(token), user_id=user.id, csrf_token=csrf,
                                                   created_at=now, expires_at=expires))
            if replacing:
                conn.execute(delete(SessionRow).where(SessionRow.token_hash == _hash_token(replacing)))
            conn.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            if zone is not None:
                conn.execute(update(UserRow).where(UserRow.id == user.id).values(time_zone=zone))

        run_write(self.engine, Owner(user.owner_id, user.id), write)
        return token, Session(user=user, csrf_token=csrf, expires_at=expires)

    @staticmethod
    def _check_still_valid(conn: Connection, user: User) -> None:
        """Inside a write under the user's lock (:func:`run_write`, which also refuses a deleted
        account): refuse to issue a session or token on a credential that a password change ended
        while this request ran (the change ends every other session and token; one issued just
        after it would otherwise survive it)."""
        stored = conn.execute(select(UserRow.password_hash).where(UserRow.id == user.id)).scalar_one_or_none()
        if stored is None:
            raise OwnerGoneError()
        if user.password_stamp is not None and _password_stamp(stored) != user.password_stamp:
            raise AccountError(_("the password of this account was changed meanwhile: log in again"),
                               code="unauthorized")

    def session(self, token: str | None) -> Session | None:
        """The live session for a cookie value, or ``None`` (unknown or expired)."""
        if not token or len(token) > 200:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(SessionRow.csrf_token, SessionRow.expires_at, UserRow.id, UserRow.email, UserRow.owner_id,
                       UserRow.language, UserRow.region, UserRow.password_hash)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.token_hash == _hash_token(token))
            ).one_or_none()
        if row is None or _aware(row.expires_at) <= _now():
            return None
        return Session(user=User(id=row.id, email=row.email, owner_id=row.owner_id, language=row.language, region=row.region,
                                 password_stamp=_password_stamp(row.password_hash)),
                       csrf_token=row.csrf_token,
                       expires_at=_aware(row.expires_at))

    def end_session(self, token: str | None) -> None:
        if token:
            with self.engine.begin() as conn:
                conn.execute(delete(SessionRow).where(SessionRow.token_hash == _hash_token(token)))

    # --- API tokens -----------------------------------------------------------------
    def create_api_token(self, user: User, name: str = "api") -> str:
        return self.issue_api_token(user, name)[0]

    def issue_api_token(self, user: User, name: str = "api") -> tuple[str, ApiToken]:
        """A new personal API token: (the secret, shown once; its listing entry). Its ``name`` is typed text
        (:func:`crampcare.plaintext.plain_text`): ``AccountError`` for a control character in it."""
        try:
            label = plain_text(name).strip()[:100] or "api"
        except ControlCharacterError as exc:
            raise AccountError(str(exc), field="name") from None
        token = "cc_" + secrets.token_urlsafe(32)
        now = _now()

        def write(conn: Connection) -> int:
            self._check_still_valid(conn, user)
            return int(conn.execute(
                insert(ApiTokenRow).values(token_hash=_hash_token(token), user_id=user.id, name=label, created_at=now)
                .returning(ApiTokenRow.id)
            ).scalar_one())

        token_id = run_write(self.engine, Owner(user.owner_id, user.id), write)
        return token, ApiToken(id=token_id, name=label, created_at=now, expires_at=now + self.token_lifetime)

    def list_api_tokens(self, user: User) -> list[ApiToken]:
        """The user's personal API tokens (names and dates only), oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ApiTokenRow.id, ApiTokenRow.name, ApiTokenRow.created_at)
                .where(ApiTokenRow.user_id == user.id).order_by(ApiTokenRow.created_at, ApiTokenRow.id)
            ).all()
        return [ApiToken(id=r.id, name=r.name, created_at=_aware(r.created_at),
                         expires_at=_aware(r.created_at) + self.token_lifetime) for r in rows]

    def revoke_api_token(self, user: User, token_id: int) -> bool:
        """Delete one of the user's tokens; ``False`` when the user has no token with that id."""
        with self.engine.begin() as conn:
            removed = conn.execute(
                delete(ApiTokenRow).where(ApiTokenRow.id == token_id, ApiTokenRow.user_id == user.id)
            ).rowcount
        return bool(removed)

    def account_data(self, user: User) -> dict[str, object]:
        """What the accounts tables hold about the user, for "download all my data" (no secrets)."""
        with self.engine.connect() as conn:
            created = conn.execute(select(UserRow.created_at).where(UserRow.id == user.id)).scalar_one_or_none()
            sessions = conn.execute(
                select(SessionRow.created_at, SessionRow.expires_at).where(SessionRow.user_id == user.id)
                .order_by(SessionRow.created_at)
            ).all()
        return {
            "email": user.email,
            "created_at": _aware(created).isoformat() if created is not None else None,
            "time_zone": self.time_zone(user),
            "sessions": [{"created_at": _aware(s.created_at).isoformat(), "expires_at": _aware(s.expires_at).isoformat()}
                         for s in sessions],
            "api_tokens": [{"id": t.id, "name": t.name, "created_at": t.created_at.isoformat(),
                            "expires_at": t.expires_at.isoformat()} for t in self.list_api_tokens(user)],
        }

    def user_for_api_token(self, token: str | None) -> User | None:
        """The user of a personal API token, or ``None`` (unknown, or older than the token lifetime)."""
        if not token or len(token) > 200:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(UserRow.id, UserRow.email, UserRow.owner_id, UserRow.language, UserRow.region,
                       UserRow.password_hash, ApiTokenRow.created_at)
                .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
                .where(ApiTokenRow.token_hash == _hash_token(token))
            ).one_or_none()
        if row is None or _aware(row.created_at) + self.token_lifetime <= _now():
            return None
        return User(id=row.id, email=row.email, owner_id=row.owner_id, language=row.language, region=row.region,
                    password_stamp=_password_stamp(row.password_hash), by_api_token=True)

    # --- account changes ------------------------------------------------------------
    def set_region(self, user: User, region: str | None) -> None:
        """Remember the region of emergency numbers the person chose (``None``: the language's usual one)."""
        with self.engine.begin() as conn:
            conn.execute(update(UserRow).where(UserRow.id == user.id).values(region=region))

    def time_zone(self, user: User) -> str | None:
        """The zone remembered for the user (``None``: not known; the server's own zone is used)."""
        return owner_time_zone(self.engine, user.owner_id)

    def set_language(self, user: User, language: str | None) -> None:
        """Remember the language the person chose (``None``: follow the browser again)."""
        with self.engine.begin() as conn:
            conn.execute(update(UserRow).where(UserRow.id == user.id).values(language=language))

    def change_password(self, user: User, current: str, new: str, keep_session: str | None = None) -> None:
        """Change the password and end every other session and API token of the user."""
        self.authenticate(user.email, current)
        check_password_strength(new, user.email)
        password_hash = _hash(new)
        with self.engine.begin() as conn:
            conn.execute(update(UserRow).where(UserRow.id == user.id).values(password_hash=password_hash))
            end_credentials(conn, user.id, keep_session)

    def delete_account(self, user: User, password: str) -> dict[str, int]:
        """Delete the user and every diary row they own; the caller should offer an export first."""
        self.authenticate(user.email, password)

        # One transaction under the owner's write lock: a write running at the same moment (an
        # import, say) either commits before and is deleted here, or finds the user gone and
        # stores nothing. Sessions and tokens go with the user row (ON DELETE CASCADE). A
        # clinician's shares would go with it too, without a word to their patients: each is ended
        # first with a line in its patient's log (which outlives the clinician's account).
        def erase(conn: Connection) -> dict[str, int]:
            from crampcare.clinic.sharing import end_shares_with_clinician

            end_shares_with_clinician(conn, user.id, user.email, "account_deleted")
            removed = DiaryStore(self.engine, owner=user.owner_id, user_id=user.id).delete_everything_in(conn)
            end_credentials(conn, user.id)
            conn.execute(delete(UserRow).where(UserRow.id == user.id))
            return removed

        return run_write(self.engine, Owner(user.owner_id, user.id), erase)
