"""The library's one error type.

Every input payback cannot use (a scenario field, a file, an argument of a library call)
raises :class:`PaybackError` with one line per problem. A problem about one parameter also
carries it structured, ``param``, ``value`` and ``allowed``, so that an interface names the
parameter in its own words (the command line says ``--max-replicas 0``, the library
``max_replicas 0``) without the library knowing any flag. A study's value analyze refuses
(``... = 7.5: analyze refuses the file there (REASON), and ...``) carries analyze's own
reason, ``reason``, so that a study can say it without reading it back from the line.

>>> err = PaybackError.bad("max_replicas", 0, "must be a whole number ≥ 1")
>>> err.messages
['max_replicas 0: must be a whole number ≥ 1']
>>> err.renamed({"max_replicas": "--max-replicas"}).messages
['--max-replicas 0: must be a whole number ≥ 1']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class PaybackError(Exception):
    """An input that cannot be used, with one line per problem.

    ``param``, ``value`` and ``allowed`` are set when the error is about one parameter
    (made with :meth:`bad`); ``reason`` where a study's value is refused because analyze
    refuses the file there (analyze's reason, as the line quotes it); ``messages`` always
    holds the lines to show.
    """

    def __init__(
        self,
        messages: str | Sequence[str],
        *,
        param: str | None = None,
        value: Any = None,
        allowed: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.param = param
        self.value = value
        self.allowed = allowed
        self.reason = reason
        super().__init__("\n".join(self.messages))

    @classmethod
    def bad(cls, param: str, value: Any, allowed: str) -> PaybackError:
        """One parameter's value and what is allowed: ``"{param} {value}: {allowed}"``."""
        return cls(_line(param, value, allowed), param=param, value=value, allowed=allowed)

    def renamed(self, names: Mapping[str, str]) -> PaybackError:
        """The same error with its parameter called by the interface's name for it (a flag),
        and a number as it was typed: ``--one-time -400``, not ``one_time_usd -400.0``.

        Errors without a parameter, or whose parameter ``names`` lacks, come back as they are.

        >>> PaybackError.bad("one_time_usd", -400.0, "must be ≥ 0").renamed(
        ...     {"one_time_usd": "--one-time"}
        ... ).messages
        ['--one-time -400: must be ≥ 0']
        """
        if self.param is None or self.param not in names or self.allowed is None:
            return self
        name = names[self.param]
        typed = f"{self.value:.15g}" if isinstance(self.value, float) else self.value
        return PaybackError(
            _line(name, typed, self.allowed),
            param=name,
            value=self.value,
            allowed=self.allowed,
        )


def _line(param: str, value: Any, allowed: str) -> str:
    shown = value if isinstance(value, str | int | float) else repr(value)
    return f"{param} {shown}: {allowed}"
