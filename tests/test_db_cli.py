from __future__ import annotations

from test_cli import crampcare


def test_db_status_and_upgrade(db_url: str) -> None:
    status = crampcare("db", "status", "--db", db_url)
    assert status.returncode == 1 and "crampcare db upgrade" in status.stderr
    upgraded = crampcare("db", "upgrade", "--db", db_url)
    assert upgraded.returncode == 0 and "was empty" in upgraded.stdout
    again = crampcare("db", "status", "--db", db_url)
    assert again.returncode == 0


def test_unreachable_database_is_one_line() -> None:
    result = crampcare("db", "status", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1 and result.stderr.startswith("error: cannot reach the database")
    assert "Traceback" not in result.stderr
