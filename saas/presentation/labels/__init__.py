"""Translated words (lazy strings) and badge classes for ids the services keep as ids.

One module per area (``goals``, ``plans``, ``reviews``, ``reports``), shared by the web
pages, the PDF reports and the emails, so a word reads the same everywhere.
"""
