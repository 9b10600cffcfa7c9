"""The OpenAI error shape, so every failure the stub reports reads like the real API's.

Every error body is ``{"error": {"message", "type", "param", "code"}}``; the SDK
turns the status code into its exception class (400 BadRequestError, 401
AuthenticationError, ...) and keeps the body on ``err.body``.
"""

from __future__ import annotations

from starlette.responses import JSONResponse


class StubError(Exception):
    """An API error: raise it anywhere in the request path and the app answers with it."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def response(self, extra_headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(
            self.body(), status_code=self.status, headers={**self.headers, **(extra_headers or {})}
        )


def invalid(message: str, param: str | None = None, code: str | None = None) -> StubError:
    """A 400 invalid_request_error: the most common error a learner meets."""
    return StubError(400, message, param=param, code=code)


def mask_key(key: str | None) -> str:
    """Show enough of a key to recognise it, never enough to use it, as the real API's 401 does.

    The first 8 characters, one ``*`` per hidden character, the last 4: a 51-character key shows as
    ``sk-zhj0s***************************************CMuq`` (39 stars; quoted from the real API in
    chatanywhere/GPT_API_free#81, and the same rule in popjane/free_chatgpt_api#3 and
    cocacola-lab/ChatIE#11 with a longer key). For keys of 12 characters or fewer (no evidence of what the
    real API shows) at most a quarter of the key is shown.
    """
    if not key:
        return ""
    if len(key) <= 12:
        shown = len(key) // 4
        return key[:shown] + "*" * (len(key) - shown)
    return key[:8] + "*" * (len(key) - 12) + key[-4:]
