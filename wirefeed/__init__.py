"""Wirefeed's composition root: the CLI, the jobs it runs, the scheduler service and the demo.

This package wires config, store, ingest and publish together; it holds no pipeline logic of its
own. It is the only package that imports the CLI framework (click) and the scheduler (APScheduler).
"""

__version__ = "0.1.0"
