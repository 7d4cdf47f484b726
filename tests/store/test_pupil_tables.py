"""The registry of the tables about a pupil (store/pupil_tables.py) against the schema's foreign keys."""

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from fairfields_desktop.services.subject_access import SECTIONS
from fairfields_desktop.store.models import Base
from fairfields_desktop.store.pupil_tables import (
    PUPIL_TABLES,
    Erasure,
    registry_gaps,
    tables_reaching_pupils,
)


class TestTheRegistryCoversTheSchema:
    def test_every_table_reaching_pupils_is_listed_and_every_listed_table_exists(self):
        missing, gone = registry_gaps()
        assert not missing, f"tables about pupils missing from store/pupil_tables.py PUPIL_TABLES: {sorted(missing)}"
        assert not gone, f"tables in store/pupil_tables.py PUPIL_TABLES the schema no longer has: {sorted(gone)}"

    def test_the_walk_goes_through_the_tables_that_hang_from_pupils(self):
        found = tables_reaching_pupils()
        # through requests, ehcp_outcomes, bookings (via booking_pupils) and visits (via visit_pupils)
        assert {"request_events", "targets", "booking_occurrences", "session_records", "booking_notices",
                "advice_chases", "review_invitees", "visits"} <= found
        # what a pupil row points at is not about the pupil
        assert not {"classes", "staff", "professionals", "spaces", "users", "terms"} & found

    def test_a_new_table_is_named_wherever_it_hangs(self):
        metadata = MetaData()
        for table in Base.metadata.tables.values():
            table.to_metadata(metadata)
        Table("pupil_pets", metadata, Column("id", Integer, primary_key=True),
              Column("pupil_id", ForeignKey("pupils.id")))
        Table("target_evidence", metadata, Column("id", Integer, primary_key=True),
              Column("target_id", ForeignKey("targets.id")))
        Table("occurrence_photos", metadata, Column("id", Integer, primary_key=True),
              Column("occurrence_id", ForeignKey("booking_occurrences.id")))
        missing, gone = registry_gaps(metadata)
        assert missing == {"pupil_pets", "target_evidence", "occurrence_photos"} and gone == set()

    def test_a_listed_table_that_no_longer_exists_is_named(self):
        metadata = MetaData()
        for table in Base.metadata.tables.values():
            if table.name != "review_circulations":
                table.to_metadata(metadata)
        assert registry_gaps(metadata) == (set(), {"review_circulations"})


class TestEachTableHasAPlace:
    def test_each_table_is_shown_in_a_section_of_the_subject_access_export_or_says_why_not(self):
        for entry in PUPIL_TABLES:
            assert entry.section in SECTIONS if entry.section else entry.why, entry.table

    def test_the_erasure_deletes_by_link_only_under_parents_it_walks(self):
        # retention._delete_pupil runs the generic step for these parents, before deleting them
        walked = {"pupils", "requests", "advice_requests", "annual_reviews"}
        for entry in PUPIL_TABLES:
            if entry.erasure is Erasure.DELETED:
                assert entry.parent in walked and entry.link, entry.table
                assert entry.link in entry.model.__table__.c, entry.table

    def test_each_link_is_a_foreign_key_to_the_parent(self):
        for entry in PUPIL_TABLES:
            if entry.link is None:
                continue
            if entry.link in entry.model.__table__.c:
                column = entry.model.__table__.c[entry.link]
                assert {fk.column.table.name for fk in column.foreign_keys} == {entry.parent}, entry.table
            else:  # a table a link table points at: bookings from booking_pupils.booking_id
                column = Base.metadata.tables[entry.parent].c[entry.link]
                assert {fk.column.table.name for fk in column.foreign_keys} == {entry.table}, entry.table
