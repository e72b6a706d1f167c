"""Tenancy: agencies, memberships, brands, and the one place that enforces isolation."""
