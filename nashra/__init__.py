"""Nashra: the weekly MOS bulletins of AREF Fès-Meknès."""

__version__ = "0.1.0"
