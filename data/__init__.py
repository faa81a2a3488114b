"""Vocabularies and the demo catalog, installed as the package data ``matcher._data``.

This file makes the folder a regular package, which editable installs need to
map it (see ``[tool.setuptools]`` in pyproject.toml and ``matcher.resources``).
"""
