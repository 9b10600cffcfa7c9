"""lesson: classify_review caps the reply with the deprecated ``max_tokens``.

Breaks: "If you cap it, use ``max_completion_tokens``: ``max_tokens`` is deprecated, and reasoning models
... reject it with a 400."
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
        max_tokens=400,
    )
    return parse_reply(completion, ReviewClassification)
