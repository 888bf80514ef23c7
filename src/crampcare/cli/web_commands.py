"""`crampcare serve`: the web app and REST API, for one person (local) or many (server mode).

Settings come from :mod:`crampcare.config` (flags > ``CRAMPCARE_*`` environment > ``--config``
TOML file > defaults). Worker processes (``--workers N``) get them through the environment and
build the app with ``crampcare.web.app:create_app_from_env``.
"""

from pathlib import Path
from typing import Any

import typer

from crampcare.i18n.context import _, ngettext


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def check_server_database(db: str | None) -> str:
    """Refuse to serve (exit 2, one line) unless the shared database is reachable and current."""
    from crampcare.services.database import DatabaseUnreachableError, schema_status, shown_url

    try:
        status = schema_status(db)
    except DatabaseUnreachableError as exc:
        raise _fail(str(exc)) from None
    if not status.up_to_date:
        current = _("at {revision}", revision=status.current) if status.current else _("it is empty")
        command = f"crampcare db upgrade --db {shown_url(status.url)}"
        raise _fail(_("the database schema is out of date ({current}; this crampcare needs {head}); run `{command}` "
                      "first", current=current, head=status.head, command=command))
    return status.url


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str | None = typer.Option(None, "--host", help="Address to listen on (default 127.0.0.1); local mode: "
                                        "keep it on localhost."),
        port: int | None = typer.Option(None, "--port", min=0, max=65535, help="Port to listen on (default 8000)."),
        open_browser: bool = typer.Option(False, "--open", help="Open the app in a web browser."),
        db: str | None = typer.Option(None, "--db", help="Diary database (path or URL)."),
        multi_user: bool | None = typer.Option(
            None, "--multi-user/--local", show_default=False,
            help="Server mode: accounts, many users, one shared database (also CRAMPCARE_MODE=server). "
                 "The schema must be current: run `crampcare db upgrade` first."),
        workers: int | None = typer.Option(None, "--workers", min=1, max=64,
                                           help="Worker processes (default 1)."),
        secure_cookies: bool | None = typer.Option(
            None, "--secure-cookies", show_default=False,
            help="Always mark the session cookie Secure (behind an HTTPS proxy); it is anyway on HTTPS requests."),
        forwarded_allow_ips: str | None = typer.Option(
            None, "--forwarded-allow-ips",
            help="Proxies whose X-Forwarded-For/-Proto to trust (comma-separated) (default 127.0.0.1)."),
        config_file: Path | None = typer.Option(
            None, "--config", help="A TOML file with these settings (a `server` table or top-level keys: mode, db, "
            "host, port, workers, secure_cookies, forwarded_allow_ips, signup_limit, busy_timeout, import_limit_mb, api_token_days)."),
    ) -> None:
        """Open the app in a browser: first aid, assessment, diary, insights, and the JSON API (/docs)."""
        from crampcare.collector import collector_paused

        with collector_paused():  # until the app is built (crampcare.collector says why)
            import os
            import threading
            import webbrowser

            import uvicorn

            from crampcare.config import ConfigError, load_config, to_env
            from crampcare.web.settings import Settings

            flags = {"mode": None if multi_user is None else ("server" if multi_user else "local"), "db": db,
                     "host": host, "port": port, "workers": workers, "secure_cookies": secure_cookies or None,
                     "forwarded_allow_ips": forwarded_allow_ips}
            try:
                config = load_config(flags, config_file)
            except ConfigError as exc:
                raise _fail(str(exc)) from None
            mode, db, host, port, workers = config.mode, config.db, config.host, config.port, config.workers
            forwarded = config.forwarded_allow_ips

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
            config = config.model_copy(update={"db": db})

            run: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "access_log": False}
            if forwarded:
                run["forwarded_allow_ips"] = forwarded
            if workers > 1:
                if not server:
                    from crampcare.services.database import DatabaseUnreachableError, upgrade_schema

                    try:
                        migrated = upgrade_schema(db)  # once, before the workers start (they would race)
                    except DatabaseUnreachableError as exc:
                        raise _fail(str(exc)) from None
                    config = config.model_copy(update={"db": migrated.url})
                os.environ.update(to_env(config))
                target: Any = "crampcare.web.app:create_app_from_env"
                run.update(factory=True, workers=workers)
            else:
                from crampcare.services.database import DatabaseUnreachableError
                from crampcare.web.app import create_app

                try:
                    target = create_app(Settings.from_config(config))
                except DatabaseUnreachableError as exc:  # already one line that names the database
                    raise _fail(str(exc)) from None
                except Exception as exc:  # a bad --db or a database that cannot be opened: one line, no traceback
                    raise _fail(_("cannot open the diary: {reason}", reason=exc)) from None
            shown = f"[{host}]" if ":" in host else host
            url = f"http://{shown}:{port}/"
            what = ngettext("server mode, {n} worker; ", "server mode, {n} workers; ", workers) if server else ""
            typer.echo(_("crampcare is running at {url} ({mode}Ctrl-C to stop)", url=url, mode=what), err=True)
            if open_browser:
                threading.Timer(1.0, webbrowser.open, args=(url,)).start()
        uvicorn.run(target, **run)
