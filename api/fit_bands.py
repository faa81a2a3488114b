"""Fit bands for the JSON API and the pages: the engine's (:mod:`matcher.fit_bands`), declared there once."""

from __future__ import annotations

from matcher.fit_bands import BAND_WORDS, BANDS, Band, bands_text, fit_band

__all__ = ["BANDS", "BAND_WORDS", "Band", "bands_text", "fit_band"]
