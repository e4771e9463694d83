"""Request-body rules. Each rule returns None when a value is acceptable, else the problem in words.

The messages are part of the API contract: the FastAPI port produces the same ones.
"""
from __future__ import absolute_import, unicode_literals

import numbers
import re

from flask import request
from werkzeug.exceptions import BadRequest

from .errors import ValidationFailed

try:
    STRING_TYPES = (basestring,)  # noqa: F821 -- Python 2: str and unicode
except NameError:
    STRING_TYPES = (str,)

# PostgreSQL's integer type: ids and counts are stored as int4.
MAX_INT = 2147483647

# Deliberately simple: something@something.tld, no whitespace. Delivery proves the rest.
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z", re.UNICODE)
EMAIL_MAX_LENGTH = 254

JSON_OBJECT_REQUIRED = "The request body must be a JSON object."


def read_json_object():
    """The request body as a dict, or 400 when it is missing, not JSON, or not a JSON object."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise BadRequest(JSON_OBJECT_REQUIRED)
    return payload


def text(min_length, max_length):
    def check(value):
        if not isinstance(value, STRING_TYPES):
            return "must be a string"
        if not min_length <= len(value) <= max_length:
            return "must be between %d and %d characters" % (min_length, max_length)
        return None

    return check


def integer(minimum, maximum):
    def check(value):
        # bool is an int subclass in Python, but true/false is not a number in JSON.
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            return "must be an integer"
        if not minimum <= value <= maximum:
            return "must be between %d and %d" % (minimum, maximum)
        return None

    return check


def one_of(choices):
    def check(value):
        if not isinstance(value, STRING_TYPES):
            return "must be a string"
        if value not in choices:
            return "must be one of: %s" % ", ".join(choices)
        return None

    return check


def email(value):
    problem = text(1, EMAIL_MAX_LENGTH)(value)
    if problem:
        return problem
    if not EMAIL_PATTERN.match(value):
        return "must be a valid email address"
    return None


class Rule(object):
    def __init__(self, check, required=True):
        self.check = check
        self.required = required


def validate(payload, rules, partial=False):
    """The fields of `payload` that `rules` know, or ValidationFailed listing every problem.

    Unknown fields are ignored. With partial=True (PATCH) every field is optional, but a field
    that is present must still be valid: null is not a way to clear a value.
    """
    values = {}
    problems = {}
    for field, rule in rules.items():
        if field not in payload:
            if rule.required and not partial:
                problems[field] = "is required"
            continue
        problem = rule.check(payload[field])
        if problem:
            problems[field] = problem
        else:
            values[field] = payload[field]
    if problems:
        raise ValidationFailed(problems)
    return values
