"""Formatters: each turns results into text; only the CLI writes that text anywhere."""
