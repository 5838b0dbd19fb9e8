"""Store: the database behind Wirefeed (SQLite by default, PostgreSQL for several nodes).

It knows stories, sources' state and raw inputs; it knows no HTTP, no HTML and no feed formats.
The rest of the system talks to it through ``store.types`` values and the functions in
``store.stories``, ``store.sources`` and ``store.blobs``.
"""
