"""After lessons 00 and 01: a learner's own questions, and conversations where the answer is in the history."""

from __future__ import annotations

import re

from ..harness import Experiment as E
from ..judge import Check, has_number, mentions, norm, numbers_in
from ..verdicts import expect_recall, expect_text, says, says_number
from .common import assistant, developer, system, user

FRIENDLY = system("You are a friendly assistant. Keep answers short.")

RECALL = [
    E(
        "recall_name_btw",
        "chat_recall",
        history=[FRIENDLY],
        turns=["hey, im tomasz btw", "can u recommend a podcast about history?", "whats my name again?"],
        judge=expect_recall("tomasz"),
        note="'Your name is Tomasz.'",
    ),
    E(
        "recall_cat_age",
        "chat_recall",
        history=[FRIENDLY],
        turns=["my cat mochi is 3", "she loves sitting in boxes lol", "how old is my cat?"],
        judge=expect_recall(
            Check(
                "an age of 3",
                lambda t: (
                    re.search(
                        r"\b(3|three)(\s|-)*(years?|yrs?|y/o)\b|\b(is|she's|she is|aged|age|turned)\s+(3|three)\b",
                        norm(t),
                    )
                    is not None
                ),
            )
        ),
        note="'Mochi is 3.'",
    ),
    E(
        "recall_which_pet",
        "chat_recall",
        history=[FRIENDLY],
        turns=["I have two pets: a dog called Biscuit and a cat called Mochi.", "What's my dog called?"],
        judge=expect_recall("biscuit", forbid=[Check("the cat's name", lambda t: mentions(t, "mochi"))]),
        note="'Your dog is called Biscuit.'",
    ),
    E(
        "recall_correction_date",
        "chat_recall",
        history=[FRIENDLY],
        turns=[
            "can you remember that my dentist appointment is on the 12th?",
            "actually make it the 15th",
            "when is my dentist appointment?",
        ],
        judge=expect_recall(
            ("15th", "15"), forbid=[Check("the 12th", lambda t: has_number(t, 12) or mentions(t, "12th"))]
        ),
        note="'On the 15th.'",
    ),
    E(
        "recall_home_daytrip",
        "chat_recall",
        history=[FRIENDLY],
        turns=["I live in Porto, by the way.", "What's a good day trip from where I live?"],
        judge=expect_recall(
            (  # a place near Porto: naming Porto back is not a suggestion
                "braga",
                "guimaraes",
                "aveiro",
                "douro",
                "coimbra",
                "viana do castelo",
                "peneda-geres",
                "geres",
                "amarante",
                "ponte de lima",
                "santiago de compostela",
                "costa nova",
                "pinhao",
                "regua",
                "lamego",
                "bom jesus",
                "matosinhos",
                "espinho",
                "povoa de varzim",
                "vila do conde",
                "sintra",
                "lisbon",
                "obidos",
                "nazare",
                "fatima",
            )
        ),
        note="Names Braga, Guimarães, Aveiro or the Douro valley.",
    ),
    E(
        "recall_allergy",
        "chat_recall",
        history=[FRIENDLY],
        turns=[
            "i'm vegetarian and allergic to nuts",
            "cool. what should i cook tonight?",
            "remind me what im allergic to",
        ],
        judge=expect_recall(("nuts", "nut", "tree nuts", "peanuts")),
        note="'You're allergic to nuts.'",
    ),
    E(
        "recall_job",
        "chat_recall",
        history=[FRIENDLY],
        turns=[
            "I work as a nurse on night shifts.",
            "Any tips for sleeping during the day?",
            "What do I do for a living?",
        ],
        judge=expect_recall("nurse"),
        note="'You're a nurse working night shifts.'",
    ),
    E(
        "recall_surname_spelling",
        "chat_recall",
        history=[FRIENDLY],
        turns=[
            "my name's Siobhan Kowalczyk, my surname is a nightmare to spell",
            "how do you spell my surname?",
        ],
        judge=expect_recall(
            Check(
                "Kowalczyk spelled",
                lambda t: mentions(t, "kowalczyk") or "k-o-w-a-l-c-z-y-k" in t.lower().replace(" ", ""),
            )
        ),
        note="'K-O-W-A-L-C-Z-Y-K.'",
    ),
    E(
        "recall_own_suggestion",
        "chat_recall",
        history=[
            FRIENDLY,
            user("Suggest a name for a grey rabbit."),
            assistant("How about Pebble? It suits a small, round, grey bunny."),
        ],
        turns=["what name did you just suggest?"],
        judge=expect_recall("pebble"),
        note="'I suggested Pebble.'",
    ),
    E(
        "recall_count_total",
        "chat_recall",
        history=[FRIENDLY],
        turns=["I have 3 kids", "and 2 dogs", "how many kids and dogs do I have in total?"],
        judge=expect_recall(
            says_number(5) | says("five"),
            forbid=[
                Check(
                    "another total",
                    lambda t: any(has_number(t, n) for n in (4, 6, 23, 32)) and not has_number(t, 5),
                )
            ],
        ),
        note="'Five: 3 kids and 2 dogs.'",
    ),
    E(
        "recall_colour_override",
        "chat_recall",
        history=[FRIENDLY],
        turns=[
            "my favourite colour is green",
            "hmm no, it's actually teal now",
            "what's my favourite colour?",
        ],
        judge=expect_recall("teal", forbid=[Check("green", lambda t: mentions(t, "green"))]),
        note="'Teal.'",
    ),
    E(
        "recall_developer_facts",
        "chat_recall",
        history=[developer("The user is called Ingrid and lives in Oslo. Use what you know about her.")],
        turns=["where do i live?"],
        judge=expect_recall("oslo"),
        note="'You live in Oslo.'",
    ),
    E(
        "recall_never_told",
        "chat_recall",
        history=[FRIENDLY],
        turns=["hi there!", "whats my name?"],
        judge=expect_text(
            forbid=[
                Check(
                    "a name",
                    lambda t: any(
                        mentions(t, n)
                        for n in ("ada", "sam", "grace", "alex", "john", "tomasz", "your name is")
                    ),
                )
            ],
            decline_is_answer=True,
        ),
        note="'I don't know your name; you haven't told me.'",
    ),
    E(
        "recall_birthday",
        "chat_recall",
        history=[FRIENDLY],
        turns=[
            "my birthday's on march 3rd, any ideas for a small party?",
            "thx! when did i say my birthday was?",
        ],
        judge=expect_recall(
            Check(
                "3 March",
                lambda t: mentions(
                    t,
                    "march 3",
                    "march 3rd",
                    "3rd of march",
                    "3 march",
                    "3rd march",
                    "march third",
                    "third of march",
                ),
            )
        ),
        note="'March 3rd.'",
    ),
]

ASK = [
    E(
        "ask_capital",
        "chat_ask",
        turns=["whats the capital of australia"],
        judge=expect_text("canberra", forbid=[says("sydney is the capital", "melbourne is the capital")]),
        note="'Canberra.'",
    ),
    E(
        "ask_multiply",
        "chat_ask",
        turns=["quick one: what is 17 times 23?"],
        judge=expect_text(
            says_number(391),
            forbid=[
                Check(
                    "another product",
                    lambda t: not has_number(t, 391) and any(has_number(t, n) for n in (381, 401, 371, 411)),
                )
            ],
        ),
        note="'391.'",
    ),
    E(
        "ask_convert_miles",
        "chat_ask",
        turns=["How many kilometres is 5 miles?"],
        judge=expect_text(Check("about 8 km", lambda t: any(7.9 <= n <= 8.1 for n in numbers_in(t)))),
        note="'About 8.05 km.'",
    ),
    E(
        "ask_translate",
        "chat_ask",
        turns=["translate 'good morning, how are you?' into spanish"],
        judge=expect_text(("buenos dias",)),
        note="'Buenos días, ¿cómo estás?'",
    ),
    E(
        "ask_feathers",
        "chat_ask",
        turns=["which is heavier, a kilo of feathers or a kilo of steel?"],
        judge=expect_text(
            ("same", "neither", "equal", "both weigh", "both are", "weigh the same"),
            forbid=[says("steel is heavier", "feathers are heavier")],
        ),
        note="'They weigh the same.'",
    ),
    E(
        "ask_puzzle_variant",
        "chat_ask",
        turns=[
            "A notebook and a pen cost $2.20 in total. The notebook costs $2.00 more than the pen. How much is "
            "the pen?"
        ],
        judge=expect_text(
            Check("$0.10", lambda t: has_number(t, 0.10) or mentions(t, "10 cents", "ten cents")),
            forbid=[Check("$0.20", lambda t: has_number(t, 0.20) and not has_number(t, 0.10))],
        ),
        real_model=False,
        note="'10 cents.' (small models sometimes say 20 cents)",
    ),
]

EXPERIMENTS = RECALL + ASK
