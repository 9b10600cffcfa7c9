"""What notebooks and graders import: ``setup()``, the doctor, and the checking tools."""

from .backend import Backend, ConfigurationError, mask, setup

__all__ = ["Backend", "ConfigurationError", "mask", "setup"]
