"""Mistake: using client.chat.completions.parse() without handling its errors: truncation raises the SDK's LengthFinishReasonError and a refusal returns parsed=None instead of one clear error."""

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import SYSTEM_PROMPT, ReviewClassification


def classify_review(client, model, review):
    completion = client.chat.completions.parse(
        model=model,
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Review: {review}"},
        ],
        response_format=ReviewClassification,
    )
    return completion.choices[0].message.parsed
