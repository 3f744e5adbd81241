"""Tanseeq (تنسيق): an open platform for police cooperation across borders."""

__version__ = "0.1.0"
