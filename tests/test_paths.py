"""The one base-name rule (pkginspect/paths.py) for package paths on disk and nested member paths."""

from __future__ import annotations

import pytest

from pkginspect.paths import base_name


@pytest.mark.parametrize(("path", "nested", "expected"), [
    ("updates/windows11.0-kb5043080-x64.msu", False, "windows11.0-kb5043080-x64.msu"),
    ("C:\\updates\\a.msu", False, "a.msu"),
    ("%configsetroot%\\Windows6.1-KB4538483-x64.CAB", False, "Windows6.1-KB4538483-x64.CAB"),
    ("dir/odd!name.msu", False, "odd!name.msu"),  # on disk a "!" belongs to the file name
    ("a.msu!WSUSSCAN.cab!package.cab!core/12", True, "12"),
    ("a.msu!x.cab!Folder\\update.mum", True, "update.mum"),
    ("a.msu!WSUSSCAN.cab!package.cab!localized\\en\\2859", True, "2859"),
    ("a.msu!x.cab!folder/", True, "folder"),
    ("plain.cab", True, "plain.cab"),
    ("", False, ""),
])
def test_base_name(path: str, nested: bool, expected: str) -> None:
    assert base_name(path, nested=nested) == expected
