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

import re
from collections.abc import Mapping, Sequence
from typing import Any


class PaybackError(Exception):
    """An input that cannot be used, with one line per problem.

    ``param``, ``value`` and ``allowed`` are set when the error is about one parameter
    (made with :meth:`bad`); ``reason`` where a study's value is refused because analyze
    refuses the file there (analyze's reason, as the line quotes it); ``messages`` always
    holds the lines to show. ``advises`` names the other parameters ``allowed`` advises
    setting (``set gpus_per_replica to 4``), for :meth:`renamed` to call them by the
    interface's names too.
    """

    def __init__(
        self,
        messages: str | Sequence[str],
        *,
        param: str | None = None,
        value: Any = None,
        allowed: str | None = None,
        reason: str | None = None,
        advises: Sequence[str] = (),
    ) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.param = param
        self.value = value
        self.allowed = allowed
        self.reason = reason
        self.advises = tuple(advises)
        super().__init__("\n".join(self.messages))

    @classmethod
    def bad(cls, param: str, value: Any, allowed: str, advises: Sequence[str] = ()) -> PaybackError:
        """One parameter's value and what is allowed: ``"{param} {value}: {allowed}"``;
        ``advises``, the parameters ``allowed`` names to set instead."""
        return cls(
            _line(param, value, allowed),
            param=param,
            value=value,
            allowed=allowed,
            advises=advises,
        )

    def renamed(self, names: Mapping[str, str]) -> PaybackError:
        """The same error with its parameter called by the interface's name for it (a flag),
        and a number as it was typed: ``--one-time -400``, not ``one_time_usd -400.0``.

        A parameter the line advises setting (``advises``) is called by its name in
        ``names`` too. Errors without a parameter, or whose parameters ``names`` lacks,
        come back as they are.

        >>> PaybackError.bad("one_time_usd", -400.0, "must be ≥ 0").renamed(
        ...     {"one_time_usd": "--one-time"}
        ... ).messages
        ['--one-time -400: must be ≥ 0']
        >>> PaybackError.bad("tpot_ms", 20.0, "set gpus_per_replica to 4", ["gpus_per_replica"]
        ... ).renamed({"tpot_ms": "--tpot-ms", "gpus_per_replica": "--gpus-per-replica"}).messages
        ['--tpot-ms 20: set --gpus-per-replica to 4']
        """
        if self.param is None or self.allowed is None:
            return self
        own = self.param in names
        advised = [a for a in self.advises if a in names]
        if not (own or advised):
            return self
        name = names[self.param] if own else self.param
        typed = f"{self.value:.15g}" if own and isinstance(self.value, float) else self.value
        allowed = self.allowed
        for field in advised:  # the name alone, not inside a longer one (owned.gpus_per_…)
            new = names[field].replace("\\", "\\\\")  # a replacement's backslashes, as typed
            allowed = re.sub(rf"(?<![\w.]){re.escape(field)}(?!\w)", new, allowed)
        return PaybackError(
            _line(name, typed, allowed),
            param=name,
            value=self.value,
            allowed=allowed,
            reason=self.reason,
            advises=[names.get(a, a) for a in self.advises],
        )


def _line(param: str, value: Any, allowed: str) -> str:
    shown = value if isinstance(value, str | int | float) else repr(value)
    return f"{param} {shown}: {allowed}"
