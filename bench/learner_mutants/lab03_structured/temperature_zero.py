"""lesson: classify_review sends ``temperature=0`` "to make the JSON reliable".

Breaks: "They also reject a ``temperature`` other than the default, so leave it out" (a 400 on reasoning
models such as gpt-6-luna at its default effort).
"""

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import (
    SYSTEM_PROMPT,
    ReviewClassification,
    parse_reply,
    strict_response_format,
)


def classify_review(client, model, review):
    completion = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Review: {review}"},
        ],
        response_format=strict_response_format(ReviewClassification),
        temperature=0,
    )
    return parse_reply(completion, ReviewClassification)
