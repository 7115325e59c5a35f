"""The PowerShell collector: it emits exactly the Machine facts and reads every source hotpatch.md names.

PowerShell is usually not installed where the tests run, so the script is checked statically; when ``pwsh`` is on
the PATH it is also parsed by PowerShell itself.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from pkginspect.rules import FACT_NAMES
from tests.rules import REPO
from tests.shared import shared_dir

SCRIPT = REPO / "collector" / "Collect-PkgInspectFacts.ps1"
TEXT = SCRIPT.read_text(encoding="utf-8")
# The comment-based help block and `#` comments, removed to check the code alone.
CODE = re.sub(r"<#.*?#>", "", TEXT, flags=re.DOTALL)
CODE = "\n".join(line for line in CODE.splitlines() if not line.lstrip().startswith("#"))

# The registry keys and values of hotpatch.md's machine-side evidence, in full (hotpatch.md abbreviates with "…").
REGISTRY = [
    r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion",
    r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Update\TargetingInfo\DynamicInstalled\Hotpatch.amd64",
    r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management",
    r"HKLM\SOFTWARE\Microsoft\PolicyManager\current\device\Update",
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending",
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired",
    r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager",
]
VALUES = ["EditionID", "CurrentBuildNumber", "UBR", "InstallationType", "Hotpatch Enrollment Package",
          "HotPatchTableSize", "AllowRebootlessUpdates", "HotPatchRestrictions", "PendingFileRenameOperations",
          "Win32_DeviceGuard", "VirtualizationBasedSecurityStatus", "root\\Microsoft\\Windows\\DeviceGuard",
          "Confirm-SecureBootUEFI", "PROCESSOR_ARCHITECTURE", "WindowsAzureGuestAgent", "himds"]
# Named in hotpatch.md's machine-side evidence but not a machine fact: Windows Update's per-update RebootBehavior
# describes a package, which pkginspect reads from the package itself.
NOT_MACHINE_FACTS = {"RebootBehavior"}


def _emitted_keys() -> list[str]:
    block = re.search(r"\$facts\s*=\s*\[ordered\]@\{(.*?)\n\}", CODE, flags=re.DOTALL)
    assert block, "the script builds its output in `$facts = [ordered]@{ ... }`"
    return re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=", block[1], flags=re.MULTILINE)


def test_emits_exactly_the_machine_facts_in_order() -> None:
    assert _emitted_keys() == list(FACT_NAMES)


def test_emits_the_facts_object_as_json() -> None:
    assert re.search(r"\$facts\s*\|\s*ConvertTo-Json", CODE)


@pytest.mark.parametrize("key", REGISTRY)
def test_reads_each_registry_key(key: str) -> None:
    assert key.replace("HKLM\\", "HKLM:\\") in CODE, key  # the PowerShell drive spelling
    assert key in TEXT, key  # and the plain spelling in the header that documents it


@pytest.mark.parametrize("value", VALUES)
def test_reads_each_value_and_api(value: str) -> None:
    assert value in CODE


def test_covers_every_source_hotpatch_md_names() -> None:
    base = shared_dir()
    if base is None:
        pytest.skip("../shared not found: hotpatch.md cannot be read (set PKGINSPECT_SHARED)")
    text = (base / "domain" / "hotpatch.md").read_text(encoding="utf-8")
    evidence = text.split("Machine-side evidence", 1)[1].split("Azure-side evidence", 1)[0]
    for token in re.findall(r"`([^`]+)`", evidence):
        if token in NOT_MACHINE_FACTS:
            continue
        # "…\Component Based Servicing\RebootPending": the part after the ellipsis must appear verbatim.
        assert token.removeprefix("…") in TEXT, token
    assert len(re.findall(r"`([^`]+)`", evidence)) >= 10, "hotpatch.md's evidence paragraph changed shape"


def test_header_documents_every_fact() -> None:
    header = re.search(r"<#(.*?)#>", TEXT, flags=re.DOTALL)
    assert header
    for fact in FACT_NAMES:
        assert re.search(rf"^\s+{fact}\s", header[1], flags=re.MULTILINE), fact


def test_makes_no_network_calls_and_changes_nothing() -> None:
    forbidden = ["Invoke-RestMethod", "Invoke-WebRequest", "169.254.169.254", "Net.WebClient", "Set-ItemProperty",
                 "New-ItemProperty", "Remove-Item", "Restart-Computer"]
    for word in forbidden:
        assert word not in CODE, word


def test_windows_powershell_5_1_syntax_only() -> None:
    # Operators and parameters that PowerShell 7 added and 5.1 rejects.
    for pattern in (r"\?\?", r"\?\.", r"\s&&\s", r"\s\|\|\s", r"-AsHashtable", r"\$PSStyle", r"-Parallel"):
        assert not re.search(pattern, CODE), pattern
    assert re.search(r"\?\s+\S+\s+:", CODE) is None, "no ternary operator"
    assert "UTF8Encoding($false)" in CODE, "-OutFile writes UTF-8 without BOM"


@pytest.mark.skipif(shutil.which("pwsh") is None, reason="PowerShell (pwsh) is not installed here")
def test_pwsh_parses_the_script() -> None:
    command = (
        "$errors = $null; "
        f"[System.Management.Automation.Language.Parser]::ParseFile('{SCRIPT}', [ref]$null, [ref]$errors) | Out-Null; "
        "if ($errors) { $errors | ForEach-Object { $_.ToString() }; exit 1 }; "
        f"Get-Help '{SCRIPT}' | Out-Null"
    )
    result = subprocess.run(["pwsh", "-NoProfile", "-NonInteractive", "-Command", command],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    help_result = subprocess.run(["pwsh", "-NoProfile", "-NonInteractive", "-File", str(SCRIPT), "-?"],
                                 capture_output=True, text=True, timeout=120, check=False)
    assert help_result.returncode == 0, help_result.stdout + help_result.stderr
    assert "OutFile" in help_result.stdout
