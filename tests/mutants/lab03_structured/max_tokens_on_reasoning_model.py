"""Mistake: classify_review caps the reply with the deprecated max_tokens, which reasoning models (every current
OpenAI model) reject with a 400: use max_completion_tokens."""

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
        max_tokens=1000,
    )
    return parse_reply(completion, ReviewClassification)
