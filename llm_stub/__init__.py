"""An OpenAI-compatible stub server: deterministic, free, and faithful to the wire format.

Run it on its own (``python -m llm_stub --port 8000``), in a background thread
(``llm_stub.start()``), or as the pytest fixture ``llm_stub``.
"""

from .client import StubControl
from .config import DEFAULT_API_KEY, StubConfig
from .errors import StubError
from .server import StubServer, start
from .understanding import LIMITS_SENTENCE

__all__ = ["DEFAULT_API_KEY", "LIMITS_SENTENCE", "StubConfig", "StubControl", "StubError", "StubServer", "start"]
