"""The docstring written under each field of a pydantic model: the description a JSON
schema gives a field and the words an error message quotes, read from the source."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel

__all__ = ["documented", "field_docstring"]


def documented(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """JSON schemas describe each field with the docstring written under it (the schema's
    models' ``json_schema_extra``)."""
    for name, prop in schema.get("properties", {}).items():
        doc = field_docstring(model, name)
        if doc and isinstance(prop, dict):
            prop.setdefault("description", doc)


def field_docstring(model: type[BaseModel], name: str) -> str:
    """The docstring written under a field of ``model`` (or of a base class), ``""`` if none.

    Read from the source only when an error or a JSON schema needs it: pydantic's
    ``use_attribute_docstrings`` would parse every model's source at import, a third of
    the schema's start-up time.

    >>> from payback.scenario.schema import Traffic
    >>> field_docstring(Traffic, "requests_per_month")
    'Requests in month 1.'
    """
    for cls in model.__mro__:
        if cls is not BaseModel and issubclass(cls, BaseModel):
            doc = _field_docstrings(cls).get(name)
            if doc is not None:
                return doc
    return ""


@functools.cache
def _field_docstrings(cls: type[BaseModel]) -> dict[str, str]:
    """Each field of ``cls``'s own body with the docstring under it, its source parsed once
    (``inspect.getsource`` parses the whole module for a class: 1.3 s for a JSON schema
    when it ran for every field)."""
    import ast
    import inspect
    import textwrap

    try:
        body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    except (OSError, TypeError, SyntaxError):
        return {}
    assert isinstance(body, ast.ClassDef)
    return {
        node.target.id: inspect.cleandoc(after.value.value)
        for node, after in zip(body.body, body.body[1:], strict=False)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and isinstance(after, ast.Expr)
        and isinstance(after.value, ast.Constant)
        and isinstance(after.value.value, str)
    }
