"""crampcare.kept: the few most recently used results, the least recently used dropped first."""

from __future__ import annotations

from crampcare.kept import Kept, digest


def test_the_least_recently_used_goes_first_and_a_read_counts_as_use() -> None:
    kept: Kept[str] = Kept(2)
    kept.put("a", "A")
    kept.put("b", "B")
    assert kept.get("a") == "A"  # now "b" is the least recently used
    kept.put("c", "C")
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A", None, "C")
    kept.put("a", "A2")  # a new value for a kept key replaces it and keeps the size
    kept.put("d", "D")
    assert (kept.get("a"), kept.get("c"), kept.get("d")) == ("A2", None, "D")
    kept.clear()
    assert kept.get("a") is None


def test_a_digest_tells_texts_apart_and_is_stable() -> None:
    assert digest("<html>1</html>") == digest("<html>1</html>") != digest("<html>2</html>")
    assert len(digest("x" * 1_000_000)) == 64
