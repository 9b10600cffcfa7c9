"""``python -m llm_stub`` / ``llm-stub``: run the stub server in the foreground."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys

import uvicorn

from . import clock, stack, warmup
from .app import create_app
from .config import StubConfig


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="llm-stub", description="An OpenAI-compatible stub server for the course."
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    p.add_argument(
        "--api-key",
        action="append",
        default=[],
        help="accept this key too (repeatable); sk-stub is always accepted",
    )
    p.add_argument(
        "--replies", action="append", default=[], help="a scripted-reply YAML file or folder (repeatable)"
    )
    p.add_argument("--time-to-first-token", type=float, default=0.0, help="seconds before the first token")
    p.add_argument("--time-per-token", type=float, default=0.0, help="seconds between tokens")
    p.add_argument("--rpm", type=int, default=None, help="requests per minute per key (default: unlimited)")
    p.add_argument("--tpm", type=int, default=None, help="tokens per minute per key (default: unlimited)")
    p.add_argument(
        "--quota-tokens", type=int, default=None, help="token budget per key before 429 insufficient_quota"
    )
    p.add_argument(
        "--rate-limit-window",
        type=float,
        default=60.0,
        help="seconds of allowance a bucket holds (60: a minute's worth; 1: 600 RPM means 10 per second)",
    )
    p.add_argument(
        "--control-token",
        default=os.environ.get("LLM_STUB_CONTROL_TOKEN"),
        help="require this secret (header x-stub-control-token) on the /_stub control endpoints "
        "(default: $LLM_STUB_CONTROL_TOKEN, else none)",
    )
    p.add_argument(
        "--loop", choices=stack.LOOPS, help=f"event loop (default: the fastest installed, here {stack.LOOP})"
    )
    p.add_argument(
        "--http",
        choices=stack.PARSERS,
        help=f"HTTP/1.1 parser (default: the fastest installed, here {stack.HTTP})",
    )
    p.add_argument(
        "--today",
        type=_day,
        default=None,
        help="the date the stub believes it is, YYYY-MM-DD (models past their shutdown date are refused; "
        f"default: ${clock.ENV}, else the real date)",
    )
    return p.parse_args(argv)


def _day(value: str) -> str:
    try:
        clock.parse_day(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return value


def config_from_args(args: argparse.Namespace) -> StubConfig:
    config = StubConfig()
    config.api_keys += [k for k in args.api_key if k not in config.api_keys]
    config.reply_files = list(args.replies)
    config.time_to_first_token = args.time_to_first_token
    config.time_per_token = args.time_per_token
    config.requests_per_minute = args.rpm
    config.tokens_per_minute = args.tpm
    config.quota_tokens = args.quota_tokens
    config.rate_limit_window = args.rate_limit_window
    config.control_token = args.control_token or None
    if args.today:
        config.today = args.today
    return config


class _AnnouncingServer(uvicorn.Server):
    """Prints the base URL once the socket is bound (the real port, also when --port 0)."""

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if self.started:
            # Everything loaded so far (the SDK's types, the app) lives as long as the server: moving it out
            # of the collector's view makes each collection cheaper, about a tenth of a request's CPU time
            # (measured in issue 18; the pattern of Python's docs for gc.freeze in long-running servers).
            warmup.warm()  # loaded before the freeze: the encodings and tables live as long as the server
            gc.freeze()
            port = self.servers[0].sockets[0].getsockname()[1]
            print(
                f"llm-stub listening: base URL http://{self.config.host}:{port}/v1 (API key: sk-stub)",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    app = create_app(config_from_args(args))
    try:
        config = stack.uvicorn_config(app, args.host, args.port, loop=args.loop, http=args.http)
    except ValueError as err:  # a part asked for that is not installed here
        print(f"llm-stub: {err}", file=sys.stderr)
        return 2
    server = _AnnouncingServer(config)
    # uvicorn finishes open requests on SIGINT/SIGTERM, then re-raises the signal with the handlers it
    # found; these make that re-raise a clean exit instead of a death by signal.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    try:
        server.run()
    except SystemExit:
        pass
    print("llm-stub stopped", flush=True)
    return 0 if server.started else 1


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


if __name__ == "__main__":
    sys.exit(main())
