"""The request shapes agent frameworks send (written from their public docs, not copied from any of them): a
forced tool call with a result already in hand (an answer tool must finish the task), tool results sent back as
user text ("Observation: ..."), text ReAct protocols, framework instructions full of capitalised words, a
structured answer after the tools, handoffs, and framework tool-naming styles."""

from __future__ import annotations

import re
from datetime import date

from ..harness import Experiment as E
from ..harness import Run
from ..judge import (
    Check,
    Verdict,
    date_is,
    declines,
    equals,
    has_number,
    honest,
    mentions,
    norm,
    num,
    place,
    sensible,
    short,
    text_has,
    unechoed,
    wrong,
)
from ..verdicts import Judge, answer_is, expect_call, expect_fields, expect_text, says
from .common import (
    TODAY_LINE,
    assistant,
    called,
    integer,
    json_schema,
    nullable,
    result,
    string,
    system,
    tool,
    user,
)
from .tools import CALC, WEATHER

FINAL_ANSWER = tool("final_answer", "Give the final answer to the user's task.", {"answer": string()})
FINAL_RESULT = tool(
    "final_result",
    "The final response which ends this conversation.",
    {"city": string(), "temp_c": {"type": "number"}, "conditions": string()},
)

AGENT_SYSTEM = system(
    "You are an agent. Use the tools to solve the task, then call final_answer with your answer."
)

REACT_SYSTEM = system(
    "Answer the question as well as you can. You can use these tools:\n\n"
    'get_weather: current weather for a city. Input: a JSON object with a "city" key.\n\n'
    "Use exactly this format:\n\n"
    "Question: the question to answer\n"
    "Thought: what you should do next\n"
    "Action: the tool to use, one of [get_weather]\n"
    "Action Input: the tool's input\n"
    "Observation: the tool's result\n"
    "... (Thought/Action/Action Input/Observation may repeat)\n"
    "Thought: I now know the final answer\n"
    "Final Answer: the answer to the question"
)

DSPY_SYSTEM = system(
    "Your input fields are:\n1. `question` (str)\nYour output fields are:\n1. `answer` (str)\n"
    "All interactions will be structured in the following way, with the appropriate values filled in.\n\n"
    "[[ ## question ## ]]\n{question}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\n"
    "In adhering to this structure, your objective is: Given the fields `question`, produce the fields `answer`."
)


def react_action(tool_name: str, must: str) -> Judge:
    """A ReAct step: the reply names the tool in an Action line and the city in its Action Input."""

    def judge(run: Run) -> Verdict:
        text = unechoed(run.last.text or "", run.user_texts)
        action = re.search(rf"action\s*:\s*`?{tool_name}`?", text, re.I)
        action_input = re.search(r"action input\s*:\s*(.+)", text, re.I)
        if action and action_input and mentions(action_input.group(1), must):
            return sensible()
        if re.search(r"final answer\s*:", text, re.I) and re.search(r"\d|fog|rain|sun|cloud", text, re.I):
            return wrong(f"[value] a Final Answer before any Observation: {short(text)}")
        if action:
            return wrong(f"[value] Action Input without {must}: {short(text)}")
        if declines(text):
            return honest(short(text))
        return wrong(f"[non-answer] no Action line for {tool_name}: {short(text)}")

    return judge


def react_final(*wanted: tuple[str, ...]) -> Judge:
    """After an Observation: the answer uses it; a new Action repeating the call is a loop."""

    def judge(run: Run) -> Verdict:
        text = unechoed(run.last.text or "", run.user_texts)
        if re.search(r"^\s*action\s*:", text, re.I | re.M):
            return wrong(f"[repeat] another Action after the Observation: {short(text)}")
        if all(mentions(text, *w) for w in wanted):
            return sensible()
        if text.strip().startswith("{") or '": ' in text:
            return wrong(f"[dump] {short(text)}")
        if declines(text):
            return honest(short(text))
        return wrong(f"[non-answer] wanted {' + '.join('/'.join(w) for w in wanted)}: {short(text)}")

    return judge


def dspy_answer(*wanted: str) -> Judge:
    def judge(run: Run) -> Verdict:
        text = unechoed(run.last.text or "", run.user_texts)
        match = re.search(r"\[\[ ## answer ## \]\]\s*(.*?)\s*(?:\[\[ ## completed ## \]\]|$)", text, re.S)
        answer = match.group(1) if match else text
        if any(has_number(answer, float(w)) if w.isdigit() else mentions(answer, w) for w in wanted):
            return sensible()
        if not answer.strip():
            return wrong("[empty] the answer field is empty")
        if declines(answer):
            return honest(short(answer))
        return wrong(f"[value] answer={short(answer)}")

    return judge


LEEDS = [
    AGENT_SYSTEM,
    user("What's the weather in Leeds right now?"),
    called(("get_weather", {"city": "Leeds", "country": "UK", "unit": "celsius"}, "call_1")),
    result("call_1", {"city": "Leeds", "temp": 6, "unit": "celsius", "conditions": "fog"}),
]

AGENTS = [
    E(
        "agent_required_final_answer",
        "agent_frameworks",
        history=LEEDS,
        tools=[WEATHER, FINAL_ANSWER],
        tool_choice="required",
        judge=expect_call(
            "final_answer",
            answer=Check("6 °C and fog", lambda v: has_number(v, 6) and mentions(v, "fog", "foggy")),
        ),
        note="final_answer(answer='6 °C and foggy in Leeds'), not get_weather again",
    ),
    E(
        "agent_output_tool",
        "agent_frameworks",
        tool_choice="required",
        tools=[WEATHER, FINAL_RESULT],
        history=[
            system("Use the tools. When you have the answer, call final_result."),
            user("how's cork looking weather-wise?"),
            called(("get_weather", {"city": "Cork", "country": "Ireland", "unit": "celsius"}, "call_c")),
            result("call_c", {"city": "Cork", "temp": 11, "unit": "celsius", "conditions": "drizzle"}),
        ],
        judge=expect_call("final_result", city=place("cork"), temp_c=num(11), conditions=text_has("drizzle")),
        note="final_result(city='Cork', temp_c=11, conditions='drizzle')",
    ),
    E(
        "agent_react_action",
        "agent_frameworks",
        history=[REACT_SYSTEM, user("Question: is it foggy in leeds right now?")],
        judge=react_action("get_weather", "leeds"),
        note='\'Thought: ... Action: get_weather / Action Input: {"city": "Leeds"}\'',
    ),
    E(
        "agent_react_observation",
        "agent_frameworks",
        history=[
            REACT_SYSTEM,
            user("Question: is it foggy in leeds right now?"),
            assistant(
                "Thought: I need the current weather in Leeds.\nAction: get_weather\n"
                'Action Input: {"city": "Leeds"}'
            ),
            user('Observation: {"city": "Leeds", "temp_c": 6, "conditions": "fog"}'),
        ],
        judge=react_final(("fog", "foggy")),
        note="'Thought: I now know the final answer\\nFinal Answer: Yes, it's foggy, 6 °C.'",
    ),
    E(
        "agent_observation_as_user_text",
        "agent_frameworks",
        tools=[WEATHER, FINAL_ANSWER],
        tool_choice="required",
        history=[
            system(
                "You are an expert assistant who solves tasks with tool calls. Call final_answer to finish."
            ),
            user("New task:\nWhat's the weather in Galway?"),
            assistant(
                "Calling tools:\n[{'id': 'call_1', 'type': 'function', 'function': {'name': 'get_weather', "
                "'arguments': {'city': 'Galway', 'country': 'Ireland', 'unit': 'celsius'}}}]"
            ),
            user(
                'Call id: call_1\nObservation:\n{"city": "Galway", "temp": 10, "unit": "celsius", '
                '"conditions": "showers"}'
            ),
        ],
        judge=expect_call(
            "final_answer",
            answer=Check(
                "10 °C and showers", lambda v: has_number(v, 10) and mentions(v, "showers", "shower", "rain")
            ),
        ),
        note="final_answer(answer='10 °C with showers in Galway')",
    ),
    E(
        "agent_capitalised_instructions",
        "agent_frameworks",
        tools=[CALC, WEATHER],
        history=[
            system(
                "You are a helpful assistant. Respond in JSON only when the user asks for JSON. Use Python "
                "for calculations if you need to. You have access to Tools."
            ),
            user("what's 12 minus 7?"),
        ],
        judge=expect_call(
            "calculate", a=num(12), b=num(7), operation=equals("subtract"), text_ok=answer_is(5)
        ),
        note="calculate(a=12, b=7, operation='subtract'), no weather call for 'Python'",
    ),
    E(
        "agent_terminate_style",
        "agent_frameworks",
        tools=[WEATHER],
        history=[
            system(
                "You are a helpful AI assistant. Solve tasks using your tools. Reply with TERMINATE when the "
                "task has been completed."
            ),
            user("What is the weather in Seattle?"),
            called(("get_weather", {"city": "Seattle", "country": "US", "unit": "fahrenheit"}, "call_s")),
            result(
                "call_s", {"city": "Seattle", "temp": 48, "unit": "fahrenheit", "conditions": "light rain"}
            ),
        ],
        judge=expect_text(
            Check(
                "48 °F (not °C)",
                lambda t: (
                    has_number(t, 48) and not re.search(r"48\s*(°|º|degrees)?\s*(c|celsius)\b", norm(t))
                ),
            ),
            says("rain"),
            forbid=[
                Check(
                    "48 °C", lambda t: re.search(r"48\s*(°|º|degrees)?\s*(c|celsius)\b", norm(t)) is not None
                )
            ],
        ),
        note="'It's 48 °F with light rain in Seattle. TERMINATE'",
    ),
    E(
        "agent_structured_response",
        "agent_frameworks",
        history=[
            system("You are a helpful assistant."),
            user("what's the weather in cork?"),
            called(("get_weather", {"city": "Cork", "country": "Ireland", "unit": "celsius"}, "call_k")),
            result("call_k", "It's 11 degrees and drizzly in Cork."),
            assistant("It's 11 °C and drizzly in Cork."),
        ],
        response_format=json_schema(
            "WeatherResponse", {"conditions": string(), "temperature": {"type": "number"}}
        ),
        judge=expect_fields({"conditions": text_has("drizzle", "drizzly", "rain"), "temperature": num(11)}),
        note="{'conditions': 'drizzle', 'temperature': 11}",
    ),
    E(
        "agent_dspy_chat_adapter",
        "agent_frameworks",
        history=[
            DSPY_SYSTEM,
            user(
                "[[ ## question ## ]]\nWhat is the boiling point of water in Fahrenheit?\n\n"
                "Respond with the corresponding output fields, starting with the field "
                "`[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`."
            ),
        ],
        judge=dspy_answer("212"),
        note="'[[ ## answer ## ]]\\n212 °F\\n\\n[[ ## completed ## ]]'",
    ),
    E(
        "agent_dspy_json_adapter",
        "agent_frameworks",
        history=[
            DSPY_SYSTEM,
            user(
                "[[ ## question ## ]]\nWho wrote 'Pride and Prejudice'?\n\nRespond with a JSON "
                "object in the following order of fields: `answer`."
            ),
        ],
        response_format=json_schema("DSPyProgramOutputs", {"answer": string()}),
        judge=expect_fields({"answer": text_has("austen", "jane austen")}),
        note="{'answer': 'Jane Austen'}",
    ),
    E(
        "agent_plugin_tool_names",
        "agent_frameworks",
        history=[system(f"You are a helpful assistant. {TODAY_LINE}"), user("forecast for cork tomorrow?")],
        tools=[
            tool(
                "WeatherPlugin-GetForecast",
                "Gets the weather forecast for a location and day.",
                {"location": string("The city"), "day": string("The day, e.g. 2026-01-31")},
            )
        ],
        judge=expect_call(
            "WeatherPlugin-GetForecast",
            location=place("cork"),
            day=date_is(date(2026, 12, 8), words=("tomorrow",)),
        ),
        note="WeatherPlugin-GetForecast(location='Cork', day='2026-12-08')",
    ),
    E(
        "agent_handoff",
        "agent_frameworks",
        history=[
            system("You are a triage agent. Hand the customer off to the agent that can help them."),
            user("i want my money back for order 7781, the blender arrived broken"),
        ],
        tools=[
            tool(
                "transfer_to_refunds_agent", "Handoff to the Refunds agent to handle refunds and returns.", {}
            ),
            tool("transfer_to_sales_agent", "Handoff to the Sales agent to handle new purchases.", {}),
        ],
        judge=expect_call("transfer_to_refunds_agent"),
        note="transfer_to_refunds_agent()",
    ),
    E(
        "agent_camelcase_tool",
        "agent_frameworks",
        turns=["Whats the weather in san francisco?"],
        tools=[
            tool("getWeatherInformation", "show the weather in a given city to the user", {"city": string()})
        ],
        judge=expect_call("getWeatherInformation", city=place("san francisco")),
        note="getWeatherInformation(city='San Francisco')",
    ),
    E(
        "agent_forced_extraction_tool",
        "agent_frameworks",
        history=[user("Alan Turing was 41 when he died.")],
        tools=[tool("Person", "Information about a person.", {"name": string(), "age": nullable(integer())})],
        tool_choice={"type": "function", "function": {"name": "Person"}},
        judge=expect_call("Person", name=text_has("alan turing"), age=num(41)),
        note="Person(name='Alan Turing', age=41)",
    ),
    E(
        "agent_forced_joke_tool",
        "agent_frameworks",
        history=[user("tell me a joke about cats")],
        tools=[
            tool(
                "Joke",
                "Joke to tell user.",
                {"setup": string("The setup of the joke"), "punchline": string("The punchline to the joke")},
            )
        ],
        tool_choice={"type": "function", "function": {"name": "Joke"}},
        judge=expect_call(
            "Joke",
            setup=Check(
                "a setup about cats",
                lambda v: (
                    isinstance(v, str)
                    and len(v) > 10
                    and mentions(v, "cat", "cats", "kitten", "kittens", "kitty", "feline", "meow")
                ),
            ),
            punchline=Check("a punchline", lambda v: isinstance(v, str) and len(norm(v)) > 3),
        ),
        note="Joke(setup='Why did the cat ...?', punchline='...')",
    ),
]

EXPERIMENTS = AGENTS
