"""References people read (b-012, r-007), made from the id the database gives the row.

Never max+1: two PCs booking different rooms at the same moment would both take the same number, and
one of them fail on the unique reference. The database's id is unique whatever the other PCs do, so the
reference made from it is too; only a reference of that pattern loaded earlier from a dataset can be
in the way, and then a suffix (b-012-2) tells them apart.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session


def pending_reference(prefix: str) -> str:
    """A placeholder reference, unique until the row's id is known (then `assign_reference`)."""
    return f"{prefix}-new-{uuid.uuid4().hex}"


def assign_reference(session: Session, row, prefix: str) -> str:  # a mapped row with id, ext_id
    """Give ``row`` (added to ``session``) the reference ``prefix-NNN`` made from its id; returns it."""
    if row.id is None:
        row.ext_id = pending_reference(prefix)
        session.add(row)
        session.flush()
    model = type(row)
    base = f"{prefix}-{row.id:03d}"
    reference, number = base, 1
    while session.scalar(select(model.id).where(model.ext_id == reference, model.id != row.id)) is not None:
        number += 1
        reference = f"{base}-{number}"
    row.ext_id = reference
    return reference
