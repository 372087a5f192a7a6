"""Stylesheets of the seed slide styles, kept as plain string constants."""

from __future__ import annotations

from .data_dense import CSS as DATA_DENSE_CSS
from .midnight import CSS as MIDNIGHT_CSS
from .minimal import CSS as MINIMAL_CSS
from .system_default import CSS as SYSTEM_DEFAULT_CSS

__all__ = ["DATA_DENSE_CSS", "MIDNIGHT_CSS", "MINIMAL_CSS", "SYSTEM_DEFAULT_CSS"]
