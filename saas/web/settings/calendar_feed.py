"""The personal calendar feed page (being written)."""
