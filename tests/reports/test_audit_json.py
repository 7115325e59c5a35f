"""The JSON report: the result's data with its ``$schema``, valid against the shipped schema."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

from pkginspect.batch import AuditResult
from pkginspect.reports.audit_json import SCHEMA_ID, audit_json


def load_schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resources.files("pkginspect.schemas").joinpath(name).read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return load_schema("audit.schema.json")


def validate(schema: dict[str, Any], text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
    return document


def test_fixture_audit_is_valid(fixture_audit: AuditResult, schema: dict[str, Any]) -> None:
    document = validate(schema, audit_json(fixture_audit))
    assert document["$schema"] == SCHEMA_ID == schema["$id"]
    assert document == {"$schema": SCHEMA_ID, **json.loads(json.dumps(fixture_audit.to_dict()))}
    assert document["totals"] == fixture_audit.totals()
    assert len(document["decisions"]) == len(document["machines"]) * len(document["packages"]) == 360
    # Each decision refers to one shared outcome carrying its verdict and reasons.
    assert len(document["outcomes"]) < len(document["decisions"])
    for decision, original in zip(document["decisions"], fixture_audit.decisions, strict=True):
        outcome = document["outcomes"][decision["outcome"]]
        assert outcome["verdict"] == decision["verdict"] == original.verdict
        assert [r["message"] for r in outcome["reasons"]] == [r.message for r in original.reasons]


def test_unknowns_and_errors_are_valid(rough_audit: AuditResult, schema: dict[str, Any]) -> None:
    document = validate(schema, audit_json(rough_audit))
    assert [e["path"] for e in document["errors"]] == [
        "fixtures/packages/broken/not-a-package.msu", "fixtures/packages/broken/truncated-header.msu"]
    unknown = [d for d in document["decisions"] if d["verdict"] == "unknown"]
    assert unknown and all(document["outcomes"][d["outcome"]]["missing"] for d in unknown)


def test_schema_rejects_what_the_report_never_writes(fixture_audit: AuditResult, schema: dict[str, Any]) -> None:
    document = json.loads(audit_json(fixture_audit))
    validator = jsonschema.Draft202012Validator(schema)
    broken = copy.deepcopy(document)
    broken["decisions"][0]["verdict"] = "maybe"
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(document)
    del broken["totals"]["unknown"]
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(document)
    broken["machines"][0]["colour"] = "blue"
    assert not validator.is_valid(broken)


def test_schema_restates_the_inspect_and_classify_shapes(schema: dict[str, Any]) -> None:
    """The embedded package and classification definitions stay those of ``inspect`` and ``classify``."""
    package = copy.deepcopy(load_schema("inspect.schema.json")["properties"]["packages"]["items"])
    del package["properties"]["members"]
    package["properties"]["classified"] = {"$ref": "#/$defs/classification"}
    package["required"] = [*package["required"], "classified"]
    ours = copy.deepcopy(schema["$defs"]["package"])
    ours.pop("description")
    assert ours == package
    classification = load_schema("classify.schema.json")["properties"]["classifications"]["items"]
    assert schema["$defs"]["classification"] == classification
