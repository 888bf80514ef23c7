"""`crampcare serve`: the web app and REST API, for one person (local) or many (server mode).

Settings come from, strongest first: the command line, the environment (``CRAMPCARE_MODE``,
``CRAMPCARE_DB``, ``CRAMPCARE_SECURE_COOKIES``, ``CRAMPCARE_WORKERS``), a ``--config`` TOML file,
then the defaults. Worker processes (``--workers N``) get their settings through the
environment and build the app with ``crampcare.web.app:create_app_from_env``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from crampcare.i18n.context import _, ngettext

CONFIG_KEYS = {
    "mode": str,
    "db": str,
    "host": str,
    "port": int,
    "workers": int,
    "secure_cookies": bool,
    "forwarded_allow_ips": str,
}


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def read_config(path: Path) -> dict[str, Any]:
    """The ``[server]`` table (or the top level) of a TOML file, checked against :data:`CONFIG_KEYS`."""
    import tomllib

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(f"cannot read the config file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(f"the config file {path} is not valid TOML: {exc}") from None
    table = document.get("server", document)
    if not isinstance(table, dict):
        raise _fail(f"{path}: [server] must be a table")
    config: dict[str, Any] = {}
    for key, value in table.items():
        kind = CONFIG_KEYS.get(key)
        if kind is None:
            raise _fail(f"{path}: unknown setting {key!r}; known: {', '.join(sorted(CONFIG_KEYS))}")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise _fail(f"{path}: {key} must be a {kind.__name__}")
        config[key] = value
    return config


def _safe_url(url: str) -> str:
    """A database URL fit to print: the password masked."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL (a path): print as is
        return url


def check_server_database(db: str | None) -> str:
    """Refuse to serve (exit 2, one line) unless the shared database is reachable and current."""
    from sqlalchemy.exc import SQLAlchemyError

    from crampcare.diary.database import current_revision, head_revision, make_engine, resolve_db_url

    url = resolve_db_url(db)
    shown = _safe_url(url)
    try:
        engine = make_engine(url)
    except Exception as exc:
        raise _fail(f"cannot use the database {shown}: {exc}") from None
    try:
        current, head = current_revision(engine), head_revision()
        if current != head:
            raise _fail(f"the database schema is out of date ({f'at {current}' if current else 'it is empty'}; "
                        f"this crampcare needs {head}); run `crampcare db upgrade --db {shown}` first")
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise _fail(f"cannot reach the database {shown}: {reason}") from None
    finally:
        engine.dispose()
    return url


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str | None = typer.Option(None, "--host", help="Address to listen on (default 127.0.0.1); local mode: "
                                        "keep it on localhost."),
        port: int | None = typer.Option(None, "--port", min=0, max=65535, help="Port to listen on (default 8000)."),
        open_browser: bool = typer.Option(False, "--open", help="Open the app in a web browser."),
        db: str | None = typer.Option(None, "--db", envvar="CRAMPCARE_DB", help="Diary database (path or URL)."),
        multi_user: bool | None = typer.Option(
            None, "--multi-user/--local", show_default=False,
            help="Server mode: accounts, many users, one shared database (also CRAMPCARE_MODE=server). "
                 "The schema must be current: run `crampcare db upgrade` first."),
        workers: int | None = typer.Option(None, "--workers", min=1, max=64, envvar="CRAMPCARE_WORKERS",
                                           help="Worker processes (default 1)."),
        secure_cookies: bool | None = typer.Option(
            None, "--secure-cookies", show_default=False,
            help="Always mark the session cookie Secure (behind an HTTPS proxy); it is anyway on HTTPS requests."),
        forwarded_allow_ips: str | None = typer.Option(
            None, "--forwarded-allow-ips",
            help="Proxies whose X-Forwarded-For/-Proto to trust (comma-separated) (default 127.0.0.1)."),
        config: Path | None = typer.Option(None, "--config", help="A TOML file with these settings (a `server` table "
                                           "or top-level keys: mode, db, host, port, workers, secure_cookies, "
                                           "forwarded_allow_ips)."),
    ) -> None:
        """Open the app in a browser: first aid, assessment, diary, insights, and the JSON API (/docs)."""
        import os
        import threading
        import webbrowser

        import uvicorn

        from crampcare.web.settings import (
            MODE_ENV,
            SECURE_COOKIES_ENV,
            SIGNUP_LIMIT_ENV,
            Settings,
            SettingsError,
            parse_bool,
            parse_limit,
            parse_mode,
        )

        file = read_config(config) if config is not None else {}
        try:
            if multi_user is not None:
                mode = "server" if multi_user else "local"
            elif os.environ.get(MODE_ENV):
                mode = parse_mode(MODE_ENV, os.environ[MODE_ENV])
            else:
                mode = parse_mode("mode (config)", file.get("mode", "local"))
            if secure_cookies is None:
                secure = (parse_bool(SECURE_COOKIES_ENV, os.environ[SECURE_COOKIES_ENV])
                          if os.environ.get(SECURE_COOKIES_ENV) else bool(file.get("secure_cookies", False)))
            else:
                secure = secure_cookies
            signup_limit = parse_limit(SIGNUP_LIMIT_ENV, os.environ.get(SIGNUP_LIMIT_ENV)
                                       or str(file.get("signup_limit", 10)))
        except SettingsError as exc:
            raise _fail(str(exc)) from None
        db = db or file.get("db")
        host = host or file.get("host", "127.0.0.1")
        port = port if port is not None else file.get("port", 8000)
        workers = workers or file.get("workers", 1)
        forwarded = forwarded_allow_ips or file.get("forwarded_allow_ips")
        if not (0 <= port <= 65535) or not (1 <= workers <= 64):
            raise _fail(_("port must be 0-65535 and workers 1-64"))

        server = mode == "server"
        if not server and host not in ("127.0.0.1", "localhost", "::1"):
            typer.echo(
                "warning: " + _("listening on {host}: in local mode there are no accounts, so anyone who can reach "
                                "this address can read and change the diary.", host=host),
                err=True,
            )
        if server:
            # Checked here, once, so a stale schema is one line and exit 2, not a traceback per worker.
            db = check_server_database(db)
        settings = Settings(db=db, mode="server" if server else "local", secure_cookies=secure,
                            signup_limit=signup_limit)

        run: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "access_log": False}
        if forwarded:
            run["forwarded_allow_ips"] = forwarded
        if workers > 1:
            if not server:
                from crampcare.diary.database import is_up_to_date, resolve_db_url, upgrade

                url = resolve_db_url(db)
                try:
                    if not is_up_to_date(url):
                        upgrade(url)  # once, before the workers start (they would race)
                except Exception as exc:
                    raise _fail(_("cannot open the diary: {reason}", reason=exc)) from None
                settings = Settings(db=url, mode="local", secure_cookies=secure, signup_limit=signup_limit)
            os.environ.update(settings.to_env())
            target: Any = "crampcare.web.app:create_app_from_env"
            run.update(factory=True, workers=workers)
        else:
            from crampcare.web.app import create_app

            try:
                target = create_app(settings)
            except Exception as exc:  # a bad --db or a database that cannot be opened: one line, no traceback
                raise _fail(_("cannot open the diary: {reason}", reason=exc)) from None
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        what = ngettext("server mode, {n} worker; ", "server mode, {n} workers; ", workers) if server else ""
        typer.echo(_("crampcare is running at {url} ({mode}Ctrl-C to stop)", url=url, mode=what), err=True)
        if open_browser:
            threading.Timer(1.0, webbrowser.open, args=(url,)).start()
        uvicorn.run(target, **run)
