"""staff sign-in: the four roles, a physiotherapist's registration number, sign-in delays, and
the operating-system account beside the signed-in user in the audit trail

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01

``users`` (unused until now) gets the roles of issue 13 (administrator, physiotherapist,
assistant, read_only) instead of clinician/admin/patient, ``registration_number`` (signs
reports), and ``failed_sign_ins``/``next_sign_in_at``/``last_sign_in_at`` (the growing delay after
failed attempts, kept per user so that another workstation or a restart does not reset it).
Rows an older version may have written keep their meaning: clinician becomes physiotherapist,
admin administrator, and a patient account (home mode, never built) becomes an inactive
read-only account; each such change is written to the audit trail as an update of the row (the
rules of 0010: appended with ``audit.append``, sealed with the key).

``audit_log`` gets ``os_user``, added in place (no table rebuild: that would drop the triggers
that keep the trail append-only). Entries before this revision have none and keep their seals;
from now on the seal covers it when it is set.

A downgrade drops the new ``users`` columns and restores the old roles' constraint (mapping the
roles back), and keeps ``os_user``: the trail is append-only and its seals cover it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rehab_tracker.data.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTOR = "system (upgrade 0012)"
NEW_ROLES = "role IN ('administrator', 'physiotherapist', 'assistant', 'read_only')"
OLD_ROLES = "role IN ('clinician', 'admin', 'patient')"
#: old role -> (new role, active stays as it was (None) or becomes False)
UP = {
    "clinician": ("physiotherapist", None),
    "admin": ("administrator", None),
    "patient": ("read_only", False),
}
DOWN = {
    "physiotherapist": "clinician",
    "administrator": "admin",
    "assistant": "clinician",
    "read_only": "patient",
}


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("audit_log")}
    if "os_user" not in columns:  # kept by a downgrade
        op.add_column("audit_log", sa.Column("os_user", sa.String(length=100), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.add_column(sa.Column("registration_number", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(
            sa.Column(
                "next_sign_in_at",
                rehab_tracker.data.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "last_sign_in_at",
                rehab_tracker.data.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("failed_sign_ins", existing_type=sa.Integer(), server_default=None)
    _map_roles(UP)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f("ck_users_role"), sa.text(NEW_ROLES))


def _map_roles(mapping: dict[str, tuple[str, bool | None]]) -> None:
    """Change each row's role (and active flag) by ``mapping``, each change in the trail."""
    from sqlalchemy.orm import Session

    from rehab_tracker.data import audit
    from rehab_tracker.data.types import utcnow

    conn = op.get_bind()
    users = sa.table(
        "users",
        sa.column("id", sa.Uuid()),
        sa.column("role", sa.String()),
        sa.column("active", sa.Boolean()),
        sa.column("updated_at", rehab_tracker.data.types.UTCDateTime(timezone=True)),
    )
    changes = []
    for row in conn.execute(sa.select(users.c.id, users.c.role, users.c.active)).all():
        if row.role not in mapping:
            continue
        role, active = mapping[row.role]
        active = row.active if active is None else active
        now = utcnow()
        conn.execute(
            users.update()
            .where(users.c.id == row.id)
            .values(role=role, active=active, updated_at=now)
        )
        changes.append(
            (
                "update",
                "users",
                str(row.id),
                {"role": row.role, "active": row.active},
                {"role": role, "active": active, "updated_at": now.isoformat()},
            )
        )
    if not changes:
        return
    session = Session(bind=conn)
    session.info["actor"] = ACTOR
    try:
        audit.append(session, changes)
    finally:
        session.close()


def downgrade() -> None:
    """``os_user`` stays (see the module docstring); older code ignores it."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
    _map_roles({new: (old, None) for new, old in DOWN.items()})
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("last_sign_in_at")
        batch_op.drop_column("next_sign_in_at")
        batch_op.drop_column("failed_sign_ins")
        batch_op.drop_column("registration_number")
        batch_op.create_check_constraint(batch_op.f("ck_users_role"), sa.text(OLD_ROLES))
