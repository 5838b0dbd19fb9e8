"""Ingest: the pipeline stages from a fetched feed to a story ready to store.

Every module here except ``pipeline.py`` is pure: frozen input in, frozen output out, no database,
no network, no clock. ``pipeline.py`` is the one orchestrator that does I/O.
"""
