"""The one did-you-mean hint: spelling ignoring case, then one name inside the other."""

from __future__ import annotations

from pkginspect.suggest import closest, hint, suggest


def test_a_misspelt_name_gets_the_closest_choice() -> None:
    assert suggest("hotpach", ("hotpatch", "lcu")) == " (did you mean 'hotpatch'?)"
    assert closest("HOTPATCH", ("hotpatch", "lcu")) == "hotpatch"


def test_a_name_inside_another_is_close() -> None:
    assert closest("vbs_status", ("vbs", "secure_boot")) == "vbs"
    assert closest("bs", ("vbs_state",)) is None  # too short to say


def test_nothing_close_is_no_hint() -> None:
    assert suggest("zzz", ("hotpatch", "lcu")) == ""
    assert suggest("anything", ()) == ""


def test_hint_is_the_one_wording() -> None:
    assert hint("WSUSSCAN.cab") == " (did you mean 'WSUSSCAN.cab'?)"
    assert hint(None) == hint("") == ""
