"""Control endpoints under a reserved prefix: the journal, settings, fault plans and reset.

They are not part of the OpenAI API (no real provider has them). By default they need no key (the
server binds loopback, so only this machine can reach them); with ``StubConfig.control_token`` set (the
grader sets a random one per run, ``llm-stub --control-token``), every control request must carry it in
the ``x-stub-control-token`` header, or gets a 403: code running on the same machine (a submission being
graded) cannot read the journal, reset the stub or inject faults into another run's stub.
"""

from __future__ import annotations

import functools
import hmac
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import StubError, invalid

PREFIX = "/_stub"


def _state(request: Request):
    return request.app.state.stub


async def _json_object(request: Request) -> dict:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise invalid("The control request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise invalid("The control request body must be a JSON object.")
    return data


async def journal(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.journal.clear()
        return JSONResponse({"cleared": True})
    try:
        since = int(request.query_params.get("since", "0"))
    except ValueError:
        return invalid("'since' must be an integer.", "since").response()
    return JSONResponse({"entries": state.journal.entries(since)})


async def config(request: Request) -> Response:
    state = _state(request)
    if request.method == "PATCH":
        try:
            changes = await _json_object(request)
        except StubError as err:
            return err.response()
        try:
            rejected = state.configure(changes)
        except ValueError as err:
            return invalid(str(err), next(iter(changes), None)).response()
        if rejected:
            return invalid(
                f"Unknown or read-only settings: {', '.join(sorted(rejected))}. "
                f"Tunable: {', '.join(state.config.TUNABLE)}.",
                rejected[0],
            ).response()
    return JSONResponse(state.config.public())


async def reset(request: Request) -> Response:
    _state(request).reset()
    return JSONResponse({"reset": True})


async def faults(request: Request) -> Response:
    """GET: the fault plans; POST: add one (``{"scope": {...}, "steps": [...], "repeat": false}``); DELETE: remove all."""
    from .faults import PlanError

    book = _state(request).faults
    if request.method == "DELETE":
        book.clear()
        return JSONResponse({"cleared": True})
    if request.method == "POST":
        try:
            plan = await _json_object(request)
            unknown = set(plan) - {"scope", "steps", "repeat"}
            if unknown:
                raise invalid(
                    f"Unknown field(s) in the fault plan: {', '.join(sorted(unknown))}.", sorted(unknown)[0]
                )
            if not isinstance(plan.get("scope", {}), dict):
                raise invalid('\'scope\' must be an object such as {"plan_id": "x"}.', "scope")
            created = book.add(plan.get("steps"), plan.get("scope"), bool(plan.get("repeat", False)))
        except StubError as err:
            return err.response()
        except PlanError as err:
            return invalid(f"Invalid fault plan: {err}", "steps").response()
        return JSONResponse(created, status_code=201)
    return JSONResponse({"plans": book.plans()})


TOKEN_HEADER = "x-stub-control-token"


def guarded(handler):
    """Refuse a control request without the configured token (no token configured: no check)."""

    @functools.wraps(handler)
    async def check(request: Request) -> Response:
        token = _state(request).config.control_token
        if token:
            given = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return JSONResponse(
                    {
                        "error": {
                            "message": "This stub's control endpoints need its control token "
                            f"(header {TOKEN_HEADER}).",
                            "type": "invalid_request_error",
                            "param": None,
                            "code": "control_token_required",
                        }
                    },
                    status_code=403,
                )
        return await handler(request)

    return check


def routes() -> list[Route]:
    return [
        Route("/faults", guarded(faults), methods=["GET", "POST", "DELETE"]),
        Route("/journal", guarded(journal), methods=["GET", "DELETE"]),
        Route("/config", guarded(config), methods=["GET", "PATCH"]),
        Route("/reset", guarded(reset), methods=["POST"]),
    ]
