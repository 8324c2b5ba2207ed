"""Conformance runs: golden cases, suites, partner mode, reports."""
