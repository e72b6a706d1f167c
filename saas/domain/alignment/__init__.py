"""The alignment engine: checks a plan revision against a brand's goals and audiences.

Pure Python (no Flask, no database).  Entry point: ``evaluate``; types in ``types``.
"""
