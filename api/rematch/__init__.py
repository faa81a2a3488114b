"""The nightly re-match against the service database (the engine half is ``matcher.rematch``).

:mod:`~api.rematch.run` plans, resumes and runs a job; :mod:`~api.rematch.job` is its
command (``placement-api rematch``, ``python -m api.rematch``); :mod:`~api.rematch.work`
fits the engine and works the pending chunks; :mod:`~api.rematch.finish` assigns primaries and writes the
digests; :mod:`~api.rematch.models` holds the tables and :mod:`~api.rematch.store`
every query on them.
"""
