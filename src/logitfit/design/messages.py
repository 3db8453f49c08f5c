"""formulaic's errors in one plain line, for messages that a terminal or a log shows as they are.

formulaic writes its parse errors over several lines and marks the offending part of the
formula with ANSI colour codes between ``⧛`` and ``⧚``; piped to a file or a CI log those codes
are noise. :func:`formulaic_reason` keeps the reason and names the offending part in quotes.
"""

from __future__ import annotations

import re

__all__ = ["formulaic_reason"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MARKED = re.compile(r"⧛(.*?)⧚", re.DOTALL)


def formulaic_reason(error: BaseException) -> str:
    """Return a formulaic error's reason on one line, without colour codes.

    Parameters
    ----------
    error : BaseException
        An error raised by formulaic (or any error; its text is cleaned the same way).

    Returns
    -------
    str
        E.g. ``"Operator `+` has insuffient arguments and/or is misplaced (at '+')"``.
    """
    text = _ANSI.sub("", str(error))
    marked = _MARKED.search(text)
    reason = " ".join(text.split("\n\n", 1)[0].split()).rstrip(". ")
    if marked is not None and marked.group(1).strip():
        reason += f" (at '{marked.group(1).strip()}')"
    return reason
