"""The forecast as JSON: ``ForecastResult.to_dict()`` with its ``$schema``."""

from __future__ import annotations

from pkginspect.forecasting import ForecastResult
from pkginspect.reports._common import compact_json

SCHEMA_ID = "https://pkginspect.invalid/schemas/forecast.schema.json"


def forecast_json(result: ForecastResult) -> str:
    """The whole forecast, keys in a fixed order, compact (one line; pipe through ``jq .`` to read)."""
    document = {"$schema": SCHEMA_ID, **result.to_dict()}
    return compact_json(document) + "\n"
