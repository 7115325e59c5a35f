"""Every per-format verdict table covers exactly the verdicts of pkginspect/types.py."""

from __future__ import annotations

from pkginspect import batch
from pkginspect.reports import _common, audit_html, audit_junit
from pkginspect.types import VERDICT_ORDER, Verdict


def test_tables_follow_types() -> None:
    assert batch.VERDICT_ORDER is VERDICT_ORDER
    for table in (audit_html.SHORT_LABELS, audit_html.MEANINGS, _common.VERDICT_LABELS,
                  _common.VERDICT_GLYPHS):
        assert list(table) == list(VERDICT_ORDER)
    assert set(audit_junit.OUTCOMES) <= set(Verdict)
