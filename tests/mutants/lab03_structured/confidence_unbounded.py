"""Mistake: a model with no bounds on confidence and a plain str sentiment, so 1.5 or "great" validate."""

from pydantic import BaseModel

from solutions.lab03_structured import *  # noqa: F403


class ReviewClassification(BaseModel):
    sentiment: str
    confidence: float
    keywords: list[str]
