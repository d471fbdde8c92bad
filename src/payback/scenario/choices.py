"""A scenario's words from a short list (a precision, an engine, a method, a commitment, ...)
read in any case: ``precision = "FP8"`` is ``fp8``, as ``--precision FP8`` is on the command
line. The schema keeps its words lowercase (the file written back, the JSON and every
output say ``fp8``); a word that is none of them in any case is refused naming the field,
the value and the words allowed (:mod:`payback.scenario.messages`).

An option's ``kind`` picks its table's fields before they are read, so it keeps its case:
a ``kind`` in another case is refused with the one it is near.
"""

from __future__ import annotations

import functools
import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, model_validator

__all__ = ["AnyCaseChoices", "choice_fields"]


def _words(annotation: Any) -> tuple[str, ...]:
    """The words a field's annotation allows (``Literal["bf16", "fp8"] | None``), none
    for a field that is not a choice of words."""
    if get_origin(annotation) is Literal:
        return tuple(a for a in get_args(annotation) if isinstance(a, str))
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(w for a in get_args(annotation) for w in _words(a))
    return ()


@functools.cache
def choice_fields(model: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """The fields of ``model`` that take one of a few lowercase words, with the words;
    ``kind`` left out (it picks the table's model).

    >>> from payback.scenario.schema import SelfHostedOption
    >>> choice_fields(SelfHostedOption)["engine"]
    ('vllm', 'sglang', 'trtllm', 'lean')
    """
    fields = {name: _words(info.annotation) for name, info in model.model_fields.items()}
    return {
        name: words
        for name, words in fields.items()
        if words and name != "kind" and all(w == w.lower() for w in words)
    }


def _canonical(words: tuple[str, ...], value: Any) -> Any:
    """``value`` as the schema spells it when it is one of ``words`` in another case."""
    if isinstance(value, str) and value not in words and value.lower() in words:
        return value.lower()
    return value


class AnyCaseChoices(BaseModel):
    """A model whose choices of words are read in any case (see the module), when it is
    built and when a field is set."""

    @model_validator(mode="before")
    @classmethod
    def _any_case(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        words = choice_fields(cls)
        return {k: _canonical(words[k], v) if k in words else v for k, v in data.items()}

    def __setattr__(self, name: str, value: Any) -> None:
        words = choice_fields(type(self)).get(name)
        super().__setattr__(name, value if words is None else _canonical(words, value))
