"""Database layer: declarative base, engines, models and the unit of work."""
