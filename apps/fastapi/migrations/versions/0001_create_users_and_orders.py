"""Create users and orders: the schema the legacy Flask service already reads and writes.

Revision ID: 0001
Revises:
Create Date: 2024-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Names are final (op.f): the naming convention of the ORM metadata must not rewrite them.


def timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        *timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), server_default="pending", nullable=False),
        *timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        # Deleting a user deletes the user's orders, in both services alike.
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_orders_user_id_users"), ondelete="CASCADE"
        ),
        # The API validates these too; the database keeps any writer honest.
        sa.CheckConstraint("quantity > 0", name=op.f("ck_orders_quantity_positive")),
        sa.CheckConstraint("total_cents >= 0", name=op.f("ck_orders_total_cents_not_negative")),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'shipped', 'cancelled')",
            name=op.f("ck_orders_status_known"),
        ),
    )
    op.create_index(op.f("ix_orders_user_id"), "orders", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_orders_user_id"), table_name=op.f("orders"))
    op.drop_table("orders")
    op.drop_table("users")
