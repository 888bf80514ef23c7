"""`crampcare serve`: the web app and REST API on this computer."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (local mode: keep it on localhost)."),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
        open_browser: bool = typer.Option(False, "--open", help="Open the app in a web browser."),
        db: str | None = typer.Option(None, "--db", envvar="CRAMPCARE_DB", help="Diary database (path or URL)."),
    ) -> None:
        """Open the app in a browser: first aid, assessment, diary, insights, and the JSON API (/docs)."""
        import threading
        import webbrowser

        import uvicorn

        from crampcare.web.app import create_app
        from crampcare.web.settings import Settings

        if host not in ("127.0.0.1", "localhost", "::1"):
            typer.echo(
                f"warning: listening on {host}: in local mode there are no accounts, so anyone who can reach this "
                "address can read and change the diary.",
                err=True,
            )
        try:
            web_app = create_app(Settings(db=db))
        except Exception as exc:  # a bad --db or a database that cannot be opened: one line, no traceback
            typer.echo(f"error: cannot open the diary: {exc}", err=True)
            raise typer.Exit(2) from None
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        typer.echo(f"crampcare is running at {url} (Ctrl-C to stop)", err=True)
        if open_browser:
            threading.Timer(1.0, webbrowser.open, args=(url,)).start()
        uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False)
