"""The pytest plugin that the grader and the learner's check load into the test process.

``python -m pytest -p course.grading.plugin ...`` with these environment variables:

* ``COURSE_RESULTS``: a JSON-lines file; one record per collected test, per started test and per
  result, written as they happen, so the points earned before a crash are kept.
* ``COURSE_TEST_TIMEOUT``: seconds per test (setup, call and teardown together). A ``SIGALRM``
  interrupts the test; if the test swallows that, a watchdog records the timeout and ends the process
  (the grader then resumes with the remaining tests).
* ``COURSE_SKIP``: a JSON file listing node ids that already have a result (resumed runs).
* ``COURSE_WORKER``: when set (by the grader), the submission's labs run in a sandboxed worker process
  and ``load_impl`` returns proxies to them (see :mod:`course.grading.isolation`); this process, which
  holds the tests, the stub and this recorder, never imports the submission's code.
* ``COURSE_SANDBOX``: a directory; when set, the process may only read its own workspace
  (see :mod:`course.grading.sandbox`; the learner's ``check`` uses it, the grader uses the worker).
"""

from __future__ import annotations

import inspect
import json
import os
import re
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from .sanitize import MESSAGE_LIMIT, clean_text, clean_type_name, clean_where

WATCHDOG_GRACE = 2.0
WATCHDOG_EXIT = 75  # the process ended itself after a test ignored its time limit
_HAS_ALARM = hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")

_LAB_FILE = re.compile(r"test_(lab\d+\w*)\.py$")


class TestTimeout(BaseException):
    """Raised in the test by SIGALRM when it runs over its time limit (a BaseException, so that a lab's
    ``except Exception`` cannot swallow it)."""

    __test__ = False


class _Recorder:
    def __init__(self, path: str) -> None:
        self.file = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the run
        self.lock = threading.Lock()

    def emit(self, **record: Any) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.lock:
            self.file.write(line)
            self.file.flush()


_recorder: _Recorder | None = None
_timeout = 0.0
_running: dict[str, Any] = {}  # the test in progress: nodeid, deadline, points
_states: dict[str, dict[str, Any]] = {}
_skip: set[str] = set()
NOTE_BUDGET = 200  # notes from the worker recorded per test process
_notes_left = [NOTE_BUDGET]


def lab_of(path: str) -> str:
    """``tests/labs/test_lab01_messages.py`` -> ``lab01_messages``; other files -> their stem."""
    match = _LAB_FILE.search(path.replace("\\", "/"))
    return match.group(1) if match else Path(path).stem


def points_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("points")
    if marker is None:
        return 0
    value = marker.args[0] if marker.args else marker.kwargs.get("n", 0)
    return float(value) if not float(value).is_integer() else int(value)


def hint_of(item: pytest.Item) -> str:
    marker = item.get_closest_marker("hint")
    if marker is not None and marker.args:
        return str(marker.args[0])
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    return inspect.cleandoc(doc) if doc else ""


def _shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    return clean_text(text, limit)


def _lab_location(excinfo: pytest.ExceptionInfo, root: Path) -> tuple[str, int, str] | None:
    """The innermost traceback entry in the learner's labs/: (file, line, function)."""
    labs = str(root / "labs") + os.sep
    found = None
    for entry in excinfo.traceback:
        path = str(entry.path)
        if path.startswith(labs):
            code = entry.frame.code.raw
            name = getattr(code, "co_qualname", entry.name)  # Class.method on Python 3.11+
            if name.endswith(".__init__"):
                name = name[: -len(".__init__")]
            found = (os.path.relpath(path, root), entry.lineno + 1, name)
    return found


def describe_failure(excinfo: pytest.ExceptionInfo, root: Path) -> dict[str, Any]:
    """Status, exception type and a learner-readable message for one failure."""
    exc = excinfo.value
    etype = clean_type_name(type(exc).__name__) or "Exception"
    remote_where = clean_where(getattr(exc, "_course_where", None))  # raised in the worker: where, in labs/
    where = tuple(remote_where) if remote_where else _lab_location(excinfo, root)
    at = f" (at {where[0]}:{where[1]}, in {where[2]})" if where else ""
    if isinstance(exc, TestTimeout):
        return {"status": "timeout", "exc_type": etype, "message": str(exc), "where": where}
    if etype == "WorkerCrashed":
        return {"status": "crashed", "exc_type": etype, "message": _shorten(str(exc)), "where": where}
    if isinstance(exc, NotImplementedError):
        what = f"{where[2]}() in {where[0]}" if where else "a function this test uses"
        return {
            "status": "not started",
            "exc_type": etype,
            "where": where,
            "message": f"{what} still raises NotImplementedError",
        }
    if isinstance(exc, SystemExit):
        return {
            "status": "error",
            "exc_type": etype,
            "where": where,
            "message": _shorten(
                f"the code called sys.exit({exc.code!r}){at}; a lab function should return or raise, not end "
                "the program"
            ),
        }
    if isinstance(exc, ModuleNotFoundError) and isinstance(exc.name, str) and exc.name.startswith("labs."):
        module = clean_text(exc.name.split(".", 1)[1], 100)
        return {
            "status": "missing",
            "exc_type": etype,
            "where": where,
            "message": f"labs/{module}.py is missing",
        }
    if isinstance(exc, SyntaxError) and remote_where:
        rel = str(remote_where[0])
        return {
            "status": "error",
            "exc_type": etype,
            "where": [rel, exc.lineno or 0, "<module>"],
            "message": _shorten(f"{rel} does not import: {etype} at line {exc.lineno}: {exc.msg}"),
        }
    if (
        isinstance(exc, SyntaxError)
        and exc.filename
        and os.path.abspath(exc.filename).startswith(str(root / "labs"))
    ):
        rel = os.path.relpath(os.path.abspath(exc.filename), root)
        return {
            "status": "error",
            "exc_type": etype,
            "where": [rel, exc.lineno or 0, "<module>"],
            "message": f"{rel} does not import: {etype} at line {exc.lineno}: {exc.msg}",
        }
    if where and where[2] == "<module>" and not isinstance(exc, AssertionError):
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return {
            "status": "error",
            "exc_type": etype,
            "where": where,
            "message": _shorten(f"{where[0]} does not import: {etype}: {detail} (line {where[1]})"),
        }
    if isinstance(
        exc, pytest.fail.Exception
    ):  # pytest.fail("...") in a test: its whole message is the feedback
        return {
            "status": "failed",
            "exc_type": etype,
            "where": where,
            "message": _shorten(exc.msg or "the test failed"),
        }
    if isinstance(exc, AssertionError):
        text = str(exc)
        message = re.split(r"\n(?:assert |AssertionError)", text, maxsplit=1)[0] if text else ""
        if not message.strip() or message.startswith("assert "):
            message = text.splitlines()[0] if text else "a check in the test failed"
        return {"status": "failed", "exc_type": etype, "where": where, "message": _shorten(message)}
    detail = str(exc).strip()  # whole: a pydantic ValidationError lists every field on its own line
    return {
        "status": "error",
        "exc_type": etype,
        "where": where,
        "message": _shorten(f"{etype}: {detail}{at}" if detail else f"{etype}{at}"),
    }


# ---------------------------------------------------------------------------- time limit


def _on_alarm(signum: int, frame: Any) -> None:
    raise TestTimeout(
        f"took longer than {_timeout:g} s, the time limit per test (an endless loop, a wait "
        "that never ends, or a retry without a limit?)"
    )


def _watchdog() -> None:
    while True:
        time.sleep(0.1)
        running = dict(_running)
        if running and time.monotonic() > running["deadline"] + WATCHDOG_GRACE:
            if _recorder is not None:
                _recorder.emit(
                    event="result",
                    nodeid=running["nodeid"],
                    status="timeout",
                    earned=0,
                    exc_type="TestTimeout",
                    message=f"took longer than {_timeout:g} s, the time limit per test, and did not "
                    "stop when interrupted; the rest of the tests were run in a new process",
                )
            os._exit(WATCHDOG_EXIT)


# ---------------------------------------------------------------------------- hooks


def pytest_configure(config: pytest.Config) -> None:
    global _recorder, _timeout, _skip
    config.addinivalue_line("markers", "points(n): points a lab test is worth when graded")
    config.addinivalue_line("markers", "hint(text): what to look at when this test fails")
    path = os.environ.get("COURSE_RESULTS")
    if path:
        _recorder = _Recorder(path)
    _timeout = float(os.environ.get("COURSE_TEST_TIMEOUT") or 0)
    skip_file = os.environ.get("COURSE_SKIP")
    if skip_file and os.path.exists(skip_file):
        with open(skip_file, encoding="utf-8") as f:
            _skip = set(json.load(f))
    if _timeout > 0:
        if _HAS_ALARM:  # POSIX; elsewhere only the watchdog enforces the limit
            signal.signal(signal.SIGALRM, _on_alarm)
        threading.Thread(target=_watchdog, name="course-grading-watchdog", daemon=True).start()
    warming = None
    if _recorder is not None and not config.getoption("collectonly", False):
        # a check or a grade: the stub's cold start is paid before the first test, so that no test's time limit
        # (nor its client's timeout) pays for it, and a check and a grade see the same stub
        warming = threading.Thread(target=_warm_stub, name="course-grading-warm-up", daemon=True)
        warming.start()
    if os.environ.get("COURSE_WORKER"):
        from . import isolation

        def forward(message: dict) -> None:
            if _recorder is None or _notes_left[0] <= 0:
                return  # a worker that floods notes: the first NOTE_BUDGET are enough to say what it did
            for key, event in (("what", "violation"), ("incident", "incident")):
                if isinstance(message.get(key), str) and message[key]:
                    _notes_left[0] -= 1
                    _recorder.emit(event=event, nodeid=_running.get("nodeid"), what=message[key][:500])

        isolation._note_sink.append(forward)
        worker = isolation.grading_worker()
        if worker is not None:
            worker.ready()  # started before the first test, so that no test's time limit pays for it
    if warming is not None:
        warming.join(timeout=120)
    sandbox = os.environ.get("COURSE_SANDBOX")
    if sandbox:
        from .sandbox import install

        def report(what: str) -> None:
            if _recorder is not None:
                _recorder.emit(event="violation", nodeid=_running.get("nodeid"), what=what)

        install(sandbox, report)


WARM_UP = [  # requests that load what a stub loads on first use
    {"messages": [{"role": "user", "content": "Hello!"}]},  # encodings, catalogue, replies
    {  # the reading of a user's words (names, places, companies, money, sentiment)
        "messages": [
            {
                "role": "user",
                "content": "Review: I'm Ada from Paris. The kettle I bought from Apple for 20 euros boils fast "
                "and has been reliable for daily use, but the lid is awful.",
            }
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "warm_up",
                "strict": True,
                "schema": {
                    "type": "object",
                    "properties": {
                        "sentiment": {"type": "string", "enum": ["positive", "negative", "mixed"]},
                        "city": {"type": "string"},
                        "price": {"type": "number"},
                        "keywords": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["sentiment", "city", "price", "keywords"],
                    "additionalProperties": False,
                },
            },
        },
    },
]


def _warm_stub() -> None:
    """A stub's first answers load its encodings, catalogue, replies, word lists and JSON schema validator
    (seconds, over ten on a busy machine: more than a test client's timeout); they are shared by every stub of
    the process, so a few throwaway requests here spare the first tests that wait."""
    try:
        import jsonschema  # noqa: F401 - the stub validates scripted JSON with it: its first import takes seconds
        from openai import OpenAI

        from llm_stub import StubConfig, StubServer
        from llm_stub.catalog import DEFAULT_MODEL

        from ..backend import REPLIES_DIR

        with StubServer(StubConfig(reply_files=[str(REPLIES_DIR)])) as stub:
            client = OpenAI(base_url=stub.base_url, api_key=stub.api_key, max_retries=0, timeout=120)
            for request in WARM_UP:
                client.chat.completions.create(model=DEFAULT_MODEL, **request)
            client.close()
    except Exception:  # noqa: BLE001,S110 - only a head start
        pass


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    skip = _skip
    if _recorder is not None:
        for item in items:
            rel = os.path.relpath(str(item.path), root)
            _recorder.emit(
                event="collected",
                nodeid=item.nodeid,
                file=rel,
                lab=lab_of(rel),
                name=item.name,
                points=points_of(item),
                hint=hint_of(item),
            )
    if skip:
        keep = [item for item in items if item.nodeid not in skip]
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid in skip])
        items[:] = keep


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    # Fail closed: a test is recorded as passed only when this process saw its setup, call and teardown
    # pass; an interrupt, an exception in pytest's report step or a restart of the lab's process leaves it
    # failed, with the reason.
    _states[item.nodeid] = {
        "status": "error",
        "message": "the test did not finish: it was interrupted before its result was known",
        "started": time.monotonic(),
        "passed": set(),
    }
    if _recorder is not None:
        _recorder.emit(event="start", nodeid=item.nodeid)
    if _timeout > 0:
        _running.update(nodeid=item.nodeid, deadline=time.monotonic() + _timeout)
        if _HAS_ALARM:
            signal.setitimer(signal.ITIMER_REAL, _timeout)
    interrupted: BaseException | None = None
    try:
        return (yield)
    except BaseException as exc:
        interrupted = exc
        raise
    finally:
        if _timeout > 0 and _HAS_ALARM:
            signal.setitimer(signal.ITIMER_REAL, 0)
        _running.clear()
        state = _states.pop(item.nodeid, {})
        restarted = None
        if os.environ.get("COURSE_WORKER"):
            from . import isolation

            try:
                restarted = isolation.end_of_test()
            except Exception as exc:  # noqa: BLE001 - recorded below, never a pass
                restarted = f"the lab's process could not be restarted ({type(exc).__name__})"
        if _recorder is not None and state:
            _record(item, state, interrupted, restarted)


def _record(
    item: pytest.Item, state: dict[str, Any], interrupted: BaseException | None, restarted: str | None
) -> None:
    status = state["status"]
    if status == "error" and state.get("passed") == {"setup", "call", "teardown"} and not state.get("failed"):
        status = "passed"
    message = state.get("message", "")
    if interrupted is not None and status == "passed":
        status = "error"
    if interrupted is not None and not state.get("failed"):
        if isinstance(interrupted, KeyboardInterrupt):
            message = "the test was interrupted (KeyboardInterrupt) before its result was known"
        else:
            message = (
                f"the test's result could not be read ({type(interrupted).__name__} in pytest's report step); "
                "recorded as a failure"
            )
    if restarted and status in ("passed", "skipped"):
        status, message = "crashed", _shorten(restarted)
    if status == "passed":
        message = ""
    elif not message:
        message = "the test did not pass"
    _recorder.emit(  # type: ignore[union-attr]
        event="result",
        nodeid=item.nodeid,
        status=status,
        earned=points_of(item) if status == "passed" else 0,
        exc_type=state.get("exc_type"),
        message=message,
        where=state.get("where"),
        duration=round(time.monotonic() - state["started"], 3),
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    state = _states.get(item.nodeid)
    try:
        report = yield
    except BaseException as exc:
        if state is not None:
            state.update(
                status="error",
                failed=True,
                exc_type=type(exc).__name__,
                message=f"the test's result could not be read ({type(exc).__name__} in pytest's report step); "
                "recorded as a failure",
            )
        raise
    if state is None:
        return report
    try:
        _note_report(item, call, report, state)
    except Exception as exc:  # noqa: BLE001 - an unreadable failure is still a failure
        state.update(
            status="error",
            failed=True,
            exc_type=None,
            where=None,
            message=f"the test failed, and its failure could not be described ({type(exc).__name__}); "
            "recorded as an error",
        )
    return report


def _note_report(item: pytest.Item, call: pytest.CallInfo, report: Any, state: dict[str, Any]) -> None:
    if report.passed:
        state["passed"].add(call.when)
        return
    if report.skipped and call.when in ("setup", "call") and not state.get("failed"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr or "")
        state.update(status="skipped", message=_shorten(str(reason)))
        state["passed"].add(call.when)
        return
    if report.failed and not state.get("failed"):
        state["failed"] = True
        state.update(status="error", message="the test failed", exc_type=None, where=None)
        if call.excinfo is not None:
            state.update(describe_failure(call.excinfo, item.config.rootpath))
        else:
            state.update(status="failed", message=_shorten(str(report.longrepr)))
        if call.when == "teardown" and state["status"] == "failed":
            state["message"] = "after the test: " + state["message"]
