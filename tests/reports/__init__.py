"""Tests of the audit report formatters."""
