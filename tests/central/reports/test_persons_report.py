"""«Личные дела»: persons grouped by person_key in the database, one person's file, the СПК's scope."""
import datetime as dt

import pytest

from central.models import CertificateKind, CertificateStatus, ResultDocument
from central.reports import persons
from central.reports.testing import OtherSpk, make_certificate
from central.testing import person_key
from core.exceptions import NotFoundError, ValidationError
from core.testing import count_queries

ANNA = "111-111-111 45"
BORIS = "222-222-222 90"


@pytest.fixture
def people(spk_world, factory):
    """Анна: two exams here (surname changed between them) and one at another СПК; Борис: one exam."""
    profi, south = spk_world.coks
    first = spk_world.add_result(full_name="Иванова Анна Сергеевна", snils=ANNA, cok=profi,
                                 exam_date=dt.date(2026, 3, 1), verdict="passed")
    make_certificate(first, issued_on=dt.date(2026, 3, 20), status=CertificateStatus.REPLACED)
    make_certificate(first, issued_on=dt.date(2026, 4, 2), is_duplicate=True)
    ResultDocument.create(result=first, part_name="doc-01.pdf", title="Паспорт", content_type="application/pdf",
                          blob_digest="0" * 64, size=2048)
    second = spk_world.add_result(full_name="Петрова Анна Сергеевна", snils=ANNA, cok=south,
                                  qualification=spk_world.qualifications[1], exam_date=dt.date(2026, 5, 1),
                                  verdict="failed")
    make_certificate(second, kind=CertificateKind.CONCLUSION, issued_on=dt.date(2026, 5, 20))
    spk_world.add_result(full_name="Борисов Борис Борисович", snils=BORIS, exam_date=dt.date(2026, 4, 1))
    other = OtherSpk(factory)
    foreign = spk_world.add_result(full_name="Петрова Анна Сергеевна", snils=ANNA, cok=other.cok,
                                   qualification=other.qualification, exam_date=dt.date(2026, 6, 1))
    make_certificate(foreign, issued_on=dt.date(2026, 6, 10))
    return {"first": first, "second": second, "other": other}


def _rows(page):
    return [(r.full_name, r.exams, r.last_exam, r.last_decision_title, r.documents) for r in page.rows]


def test_list_groups_results_by_person(spk_world, people):
    with count_queries(spk_world.services.db) as queries:
        page = persons.list_persons(spk_world.spk)
    assert len(queries) == 3  # the count, the page, the page's latest results: whatever the page size
    assert _rows(page) == [
        ("Борисов Борис Борисович", 1, dt.date(2026, 4, 1), "Сдал", 0),
        # The latest name and decision; the replaced original is not a document in force, the duplicate is.
        ("Петрова Анна Сергеевна", 2, dt.date(2026, 5, 1), "Не сдал", 2),
    ]
    assert (page.total, page.page, page.pages) == (2, 1, 1)
    assert page.rows[1].person_key == person_key(ANNA, "", None)


def test_search_by_any_of_the_names_lowercase(spk_world, people):
    page = persons.list_persons(spk_world.spk, "иванова")
    assert _rows(page) == [("Петрова Анна Сергеевна", 2, dt.date(2026, 5, 1), "Не сдал", 2)]
    assert persons.list_persons(spk_world.spk, "Сидоров").rows == []
    with pytest.raises(ValidationError):
        persons.read_query("я" * 101)
    assert persons.read_query("  Иванова   Анна ") == "Иванова Анна"


def test_pages_are_cut_in_the_database(spk_world, people):
    second = persons.list_persons(spk_world.spk, page=2, per_page=1)
    assert [r.full_name for r in second.rows] == ["Петрова Анна Сергеевна"]
    assert (second.total, second.page, second.pages) == (2, 2, 2)
    assert persons.list_persons(spk_world.spk, page=9, per_page=1).page == 2


def test_another_spk_sees_only_its_part(spk_world, people):
    other = people["other"]
    page = persons.list_persons(other.spk)
    assert _rows(page) == [("Петрова Анна Сергеевна", 1, dt.date(2026, 6, 1), "Сдал", 1)]
    assert persons.list_persons(spk_world.spk, "Борисов").total == 1
    assert persons.list_persons(other.spk, "Борисов").total == 0
    with pytest.raises(NotFoundError):
        persons.person_file(other.spk, person_key(BORIS, "", None))


def test_person_file(spk_world, people):
    file = persons.person_file(spk_world.spk, person_key(ANNA, "", None))
    first, second = people["first"], people["second"]
    assert file.full_name == "Петрова Анна Сергеевна"
    assert [r.id for r in file.results] == [second.id, first.id]  # newest first, the other СПК's left out
    assert [(c.status, c.is_duplicate) for c in file.certificates[first.id]] == [
        (CertificateStatus.REPLACED, False), (CertificateStatus.ISSUED, True)]
    assert [c.kind for c in file.certificates[second.id]] == [CertificateKind.CONCLUSION]
    assert [d.title for d in file.documents[first.id]] == ["Паспорт"] and second.id not in file.documents
    document = file.documents[first.id][0]
    assert persons.person_document(spk_world.spk, file.person_key, document.id).id == document.id
    with pytest.raises(NotFoundError):
        persons.person_document(spk_world.spk, person_key(BORIS, "", None), document.id)
    with pytest.raises(NotFoundError):
        persons.person_document(people["other"].spk, file.person_key, document.id)
    for bad in ("", "../etc", "A" * 64, "0" * 64):
        with pytest.raises(NotFoundError):
            persons.person_file(spk_world.spk, bad)
