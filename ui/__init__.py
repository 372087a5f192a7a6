"""Streamlit-only helpers shared by the pages."""
