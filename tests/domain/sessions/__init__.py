"""Tests of the pure scheduling core, saas/domain/sessions/."""
