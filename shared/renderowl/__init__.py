"""Renderowl: render videos from JSON specs, locally or on AWS."""

__version__ = "0.1.0"
