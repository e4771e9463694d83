"""`?page=&per_page=` query parameters and the envelope of list responses."""
from __future__ import absolute_import, unicode_literals

import re
from collections import namedtuple

from werkzeug.exceptions import BadRequest

from .validation import MAX_INT

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100

# Only plain ASCII digits: int() would also accept " 7", "+7" and, on Python 3, "7_0" and
# non-ASCII digits, which the FastAPI port must not have to imitate.
DIGITS = re.compile(r"[0-9]+\Z")


class Page(namedtuple("Page", ["number", "size"])):
    @property
    def offset(self):
        return (self.number - 1) * self.size


def query_integer(args, name, maximum):
    """An integer query parameter in [1, maximum]; None when absent; 400 otherwise."""
    raw = args.get(name)
    if raw is None:
        return None
    # The length check keeps int() away from huge inputs (Python 3 refuses over 4300 digits).
    if DIGITS.match(raw) and len(raw.lstrip("0")) <= len(str(maximum)) and 1 <= int(raw) <= maximum:
        return int(raw)
    raise BadRequest("%s must be an integer between 1 and %d" % (name, maximum))


def page_from_query(args):
    number = query_integer(args, "page", MAX_INT)
    size = query_integer(args, "per_page", MAX_PER_PAGE)
    return Page(
        number=1 if number is None else number,
        size=DEFAULT_PER_PAGE if size is None else size,
    )


def page_body(items, page, total):
    return {"items": items, "page": page.number, "per_page": page.size, "total": total}
