"""Slidegen: an AI slide generator for data teams (service package; never imports streamlit)."""

__version__ = "0.1.0"
