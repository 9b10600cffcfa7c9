"""lesson: ReviewClassification declares ``confidence: float`` without the 0..1 bounds.

Breaks: "``confidence``: a float from 0 to 1 inclusive (``Field(ge=..., le=...)``)" (1.5 validates).
"""

from pydantic import BaseModel, Field

from solutions.lab03_structured import *  # noqa: F403
from solutions.lab03_structured import Sentiment


class ReviewClassification(BaseModel):
    """The model's verdict on one review."""

    sentiment: Sentiment
    confidence: float = Field(description="How sure the model is, from 0 to 1.")
    keywords: list[str] = Field(description="Short keywords taken from the review.")
