"""Text that comes from a submission, made safe for a report or a terminal.

A lab decides the message of the exceptions it raises, the paths it tries to open, and (a hostile one) any
field of what its process sends. Before such text reaches grades.json, report.md, grades.csv, JUnit, a log
or a console line, it goes through here: control characters and terminal escape sequences removed (an
ANSI sequence could redraw an instructor's terminal), direction overrides removed, length capped, and
machine paths and the grader's environment values replaced (``reports.Scrubber``).
"""

from __future__ import annotations

import re
from typing import Any

MESSAGE_LIMIT = 2000  # characters of one test's message
NOTE_LIMIT = 500  # characters of one note
NOTES_SHOWN = 20  # notes per submission

# ESC [ ... final byte (CSI), ESC ] ... BEL or ESC \ (OSC), ESC P/X/^/_ ... ESC \ (DCS, SOS, PM, APC), and any
# other two-character escape; the 8-bit CSI and OSC; any other C1 control is removed below.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c\x1b]*(?:\x07|\x9c)?"
)
# C0 and C1 controls except tab and newline; DEL; bidirectional overrides and isolates; line/paragraph
# separators (a terminal or an editor may act on them).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_WHERE_FILE = re.compile(r"labs/[A-Za-z0-9_.-]{1,100}\.py")
_WHERE_NAME = re.compile(r"[A-Za-z0-9_.<>]{1,200}")
_TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,99}")
STATUSES = ("passed", "failed", "not started", "error", "timeout", "crashed", "missing", "not run", "skipped")


def clean_text(text: Any, limit: int = MESSAGE_LIMIT, keep_newlines: bool = True) -> str:
    """``text`` without escape sequences and control characters, at most ``limit`` characters."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > limit * 4:  # never scan megabytes for what is cut anyway
        text = text[: limit * 4]
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates become \udcxx
    text = _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    if not keep_newlines:
        text = " ".join(text.split("\n"))
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_log(data: bytes) -> bytes:
    """A test run's output (bytes) without escape sequences and control characters (tabs and newlines kept)."""
    text = data.decode("utf-8", "replace")
    text = _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    return text.encode("utf-8")


def clean_where(where: Any) -> list | None:
    """``[labs/x.py, line, function]`` if ``where`` is one (what the worker says may be anything), else None."""
    if not isinstance(where, (list, tuple)) or len(where) != 3:
        return None
    path, line, name = where
    if not (isinstance(path, str) and _WHERE_FILE.fullmatch(path) and ".." not in path):
        return None
    if type(line) is not int or not 0 <= line < 10_000_000:
        return None
    if not (isinstance(name, str) and _WHERE_NAME.fullmatch(name)):
        return None
    return [path, line, name]


def clean_type_name(name: Any) -> str | None:
    return name if isinstance(name, str) and _TYPE_NAME.fullmatch(name) else None


def clean_status(status: Any) -> str:
    return status if status in STATUSES else "error"


def clean_notes(notes: list[Any]) -> list[str]:
    """Each note cleaned and capped; at most NOTES_SHOWN of them (and how many more there were)."""
    cleaned = list(dict.fromkeys(clean_text(n, NOTE_LIMIT, keep_newlines=False) for n in notes))
    cleaned = [n for n in cleaned if n]
    if len(cleaned) > NOTES_SHOWN:
        cleaned = cleaned[: NOTES_SHOWN - 1] + [f"and {len(cleaned) - NOTES_SHOWN + 1} more notes"]
    return cleaned


__all__ = ["MESSAGE_LIMIT", "clean_log", "clean_notes", "clean_status", "clean_text", "clean_where"]
