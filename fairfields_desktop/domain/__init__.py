"""Pure Python rules of the school's world: no Qt, no SQLAlchemy, no I/O."""
