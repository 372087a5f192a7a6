"""Pydantic DTOs returned by services (never ORM objects)."""
