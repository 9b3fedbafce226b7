"""each logged exercise says whether it was done as prescribed, changed or not done

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Until now the session form stored every prescribed exercise from its prefilled values, whether
anyone entered it or not (issue 11 item 2). ``exercise_logs.status`` now says what is known:
``done`` (as prescribed), ``changed`` (values differ from the prescription) or ``not_done``; an
exercise nobody recorded is no longer stored.

Existing rows are kept, every one, and were recorded by whoever saved them, so they count as
performed: ``done`` when their sets hold their prescription row's dose (the sets, and each set's
reps at the top of the range, hold, load, distance or time; effort is not prescribed),
``changed`` otherwise (also when the prescription row is not known). A row without a single set
is ``not_done``: nothing of it was logged, and the progression engine already treated it as no
performance ("no sets logged").

The downgrade drops the column (the statuses are lost; the rows stay).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: a set's dose columns, in the order of the prescription's (effort is not prescribed)
_SET_COLUMNS = ("reps", "hold_s", "load_kg", "distance_m", "duration_s")


def _planned(rx: sa.Row[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The sets "as prescribed" of a prescription row, as the session form prefilled them
    (frozen here: a migration does not follow later changes of the app's code)."""
    dosage_type, sets, reps_min, reps_max, hold, load, distance, duration = rx
    reps = reps_max if reps_max is not None else reps_min
    one = (
        reps if dosage_type in ("reps", "hold") else None,
        hold,
        load or None,
        distance,
        duration,
    )
    return [one] * int(sets or 0)


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return all(
        (x is None and y is None)
        or (x is not None and y is not None and abs(float(x) - float(y)) < 1e-9)
        for x, y in zip(a, b, strict=True)
    )


def upgrade() -> None:
    with op.batch_alter_table("exercise_logs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="changed")
        )
    conn = op.get_bind()
    logs = conn.execute(sa.text("SELECT id, prescription_id FROM exercise_logs")).all()
    sets: dict[object, list[tuple[object, ...]]] = {}
    for row in conn.execute(
        sa.text(
            f"SELECT exercise_log_id, {', '.join(_SET_COLUMNS)} FROM set_logs "
            "ORDER BY exercise_log_id, set_number"
        )
    ):
        sets.setdefault(row[0], []).append(tuple(row[1:]))
    rxs = {
        row[0]: row[1:]
        for row in conn.execute(
            sa.text(
                "SELECT id, dosage_type, sets, reps_min, reps_max, hold_s, load_kg, distance_m, "
                "duration_s FROM prescriptions"
            )
        )
    }
    update = sa.text("UPDATE exercise_logs SET status = :status WHERE id = :id")
    for log_id, rx_id in logs:
        logged = sets.get(log_id, [])
        rx = rxs.get(rx_id)
        if not logged:
            status = "not_done"
        elif rx is not None and len(logged) == len(planned := _planned(rx)) and all(
            _same(a, b) for a, b in zip(logged, planned, strict=True)
        ):
            status = "done"
        else:
            continue  # the server default: changed
        conn.execute(update, {"status": status, "id": log_id})
    with op.batch_alter_table("exercise_logs", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=16), server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_exercise_logs_status"), "status IN ('done', 'changed', 'not_done')"
        )


def downgrade() -> None:
    with op.batch_alter_table("exercise_logs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_exercise_logs_status"), type_="check")
        batch_op.drop_column("status")
