"""The README's permissions table is the one the services enforce."""

from __future__ import annotations

from pathlib import Path

from fairfields_desktop.domain.permissions import markdown_table


def test_the_readme_shows_the_permissions_the_services_enforce():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "regenerate the table with domain.permissions.markdown_table()"
