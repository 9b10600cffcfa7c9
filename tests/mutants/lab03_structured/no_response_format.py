"""Mistake: asking for JSON in the prompt but sending no response_format (the reply comes wrapped in prose)."""

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import SYSTEM_PROMPT, ReviewClassification, parse_reply


def classify_review(client, model, review):
    completion = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT + " Reply in JSON."},
            {"role": "user", "content": f"Review: {review}"},
        ],
        temperature=0,
    )
    return parse_reply(completion, ReviewClassification)
