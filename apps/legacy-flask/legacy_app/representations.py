"""Database rows to the JSON the API returns."""
from __future__ import absolute_import, unicode_literals

# ISO 8601 in UTC, always with microseconds. Both backends render timestamps exactly like this.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_timestamp(moment):
    # Python 2 has no datetime.timezone.utc: shift by the row's own offset instead.
    return (moment.replace(tzinfo=None) - moment.utcoffset()).strftime(TIMESTAMP_FORMAT)


def user_json(row):
    return {
        "id": row["id"],
        "email": row["email"],
        "name": row["name"],
        "created_at": utc_timestamp(row["created_at"]),
        "updated_at": utc_timestamp(row["updated_at"]),
    }


def order_json(row):
    return {
        "id": row["id"],
        "user_id": row["user_id"],
        "item": row["item"],
        "quantity": row["quantity"],
        "total_cents": row["total_cents"],
        "status": row["status"],
        "created_at": utc_timestamp(row["created_at"]),
        "updated_at": utc_timestamp(row["updated_at"]),
    }
