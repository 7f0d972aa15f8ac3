"""The group page through HTTP: assigning, admission, the order PDF, «Начать экзамен», the slips."""
import io
import re

from exam_world import download, facsimile_png, setup  # noqa: F401 (fixtures)

from core.models import Application, ExamGroup, GroupMember
from core.services.access_codes import ALPHABET, CODE_LENGTH
from core.workflow import Status

CODE_RE = re.compile(r'data-testid="code">([^<]+)<')


def test_assign_page_lists_eligible_applications_and_assigns(setup, cok_web):
    group = setup.group(seats=1)
    first = setup.applicant("Соколов Дмитрий Олегович")
    setup.applicant("Белова Анна Сергеевна")
    setup.applicant("Неоплатин Пётр Петрович", status=Status.AWAITING_PAYMENT)
    page = cok_web.get(f"/cabinet/cok/theory/{group.id}/assign")
    assert page.status_code == 200 and "Соколов Дмитрий Олегович" in page.text and "Неоплатин" not in page.text
    done = cok_web.post(f"/cabinet/cok/theory/{group.id}/assign", {"application_id": str(first.id)})
    assert done.status_code == 303 and Application.get_by_id(first.id).status == Status.EXAM_SCHEDULED.value
    page = cok_web.get(done.headers["location"])
    assert "Соискатель включён в группу" in page.text and "1 из 1" in page.text
    second = Application.get(Application.full_name == "Белова Анна Сергеевна")
    full = cok_web.post(f"/cabinet/cok/theory/{group.id}/assign", {"application_id": str(second.id)})
    assert full.status_code == 422 and "нет свободных мест" in full.text
    choose = cok_web.get(f"/cabinet/cok/theory/for-application/{second.id}")
    assert choose.status_code == 200 and "Подходящих групп нет" not in choose.text


def test_admission_refusal_and_removal(setup, cok_web):
    group = setup.group()
    paid, unpaid, absent = setup.assign(group, "Соколов Дмитрий Олегович")[0], \
        setup.assign(group, "Должник Иван Иванович", paid=False)[0], setup.assign(group, "Прогулов Олег Олегович")[0]
    url = f"/cabinet/cok/theory/{group.id}"
    page = cok_web.get(url)
    assert "Не оплачено" in page.text and "Оплачено" in page.text and "Допуск возможен после оплаты" in page.text
    assert "Личность подтверждена по документу, удостоверяющему личность" in page.text
    refused = cok_web.post(f"{url}/members/{unpaid.id}/admit", {"identity_confirmed": "yes"})
    assert refused.status_code == 422 and "не оплачен" in refused.text
    unchecked = cok_web.post(f"{url}/members/{paid.id}/admit", {})
    assert unchecked.status_code == 422 and "удостоверяющему личность" in unchecked.text
    assert cok_web.post(f"{url}/members/{paid.id}/admit", {"identity_confirmed": "yes"}).status_code == 303
    assert Application.get_by_id(paid.application_id).status == Status.ADMITTED.value
    no_reason = cok_web.post(f"{url}/members/{absent.id}/refuse", {"reason": ""})
    assert no_reason.status_code == 422 and "Укажите причину" in no_reason.text
    assert cok_web.post(f"{url}/members/{absent.id}/refuse", {"reason": "Не явился"}).status_code == 303
    assert GroupMember.get_by_id(absent.id).refusal_reason == "Не явился"
    assert Application.get_by_id(absent.application_id).status == Status.NOT_ADMITTED.value
    assert cok_web.post(f"{url}/members/{unpaid.id}/remove").status_code == 303
    assert Application.get_by_id(unpaid.application_id).status == Status.PAID_DATE_AGREEMENT.value
    assert cok_web.post(f"{url}/members/{paid.id}/teleport").status_code == 404


def test_order_start_codes_and_slips(setup, cok_web, services):
    from pypdf import PdfReader

    group = setup.group()
    first, second = setup.assign(group, "Соколов Дмитрий Олегович", "Белова Анна Сергеевна")
    url = f"/cabinet/cok/theory/{group.id}"
    cok_web.get(url)
    early = cok_web.post(f"{url}/start")
    assert early.status_code == 422 and "подпишите его факсимиле" in early.text
    assert cok_web.post(f"{url}/order", {"order_number": "15-НОК", "order_date": "2026-12-05"}).status_code == 303
    pdf = download(cok_web, f"{url}/order.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "15-НОК" in text and "5 декабря 2026" in text
    assert "Соколов Дмитрий Олегович" in text and "Белова Анна Сергеевна" in text
    unsigned = cok_web.post(f"{url}/order/sign")
    assert unsigned.status_code == 422 and "нет факсимиле" in unsigned.text
    cok = setup.orgs["cok"]
    cok.facsimile_digest = services.blobs.put(facsimile_png()).digest
    cok.save()
    assert cok_web.post(f"{url}/order/sign").status_code == 303
    assert ExamGroup.get_by_id(group.id).order_signed_at is not None
    nobody = cok_web.post(f"{url}/start")
    assert nobody.status_code == 422 and "допущенных" in nobody.text
    for member in (first, second):
        cok_web.post(f"{url}/members/{member.id}/admit", {"identity_confirmed": "yes"})
    started = cok_web.post(f"{url}/start")
    assert started.status_code == 303 and ExamGroup.get_by_id(group.id).started_at is not None
    codes = CODE_RE.findall(cok_web.get(url).text)
    assert len(codes) == 2 and len(set(codes)) == 2
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    slips = cok_web.get(f"{url}/slips")
    assert slips.status_code == 200 and slips.text.count('data-testid="slip"') == 2
    assert all(code in slips.text for code in codes) and 'href="/static/print.css"' in slips.text
    assert "style=" not in slips.text and "Сварщик ручной дуговой сварки" in slips.text
    old = GroupMember.get_by_id(first.id).access_code
    assert cok_web.post(f"{url}/members/{first.id}/code").status_code == 303
    assert GroupMember.get_by_id(first.id).access_code not in (None, old)
    assert cok_web.post(f"{url}/order", {"order_number": "16", "order_date": "2026-12-06"}).status_code == 422


def test_venue_staff_run_the_exam_too(setup, venue_web):
    group = setup.group()
    member, = setup.assign(group, "Соколов Дмитрий Олегович")
    url = f"/cabinet/venue/theory/{group.id}"
    assert venue_web.get(url).status_code == 200 and "Соколов Дмитрий Олегович" in venue_web.get(url).text
    assert venue_web.post(f"{url}/members/{member.id}/admit", {"identity_confirmed": "yes"}).status_code == 303
    assert GroupMember.get_by_id(member.id).admission == "admitted"


def test_group_and_assign_pages_do_not_query_per_row(setup, cok_web, services):
    from core.testing import count_queries

    group = setup.group(seats=10)
    setup.assign(group, "Соколов Дмитрий Олегович")
    setup.applicant("Белова Анна Сергеевна")
    pages = [f"/cabinet/cok/theory/{group.id}", f"/cabinet/cok/theory/{group.id}/assign"]
    few = []
    for url in pages:
        with count_queries(services.db) as seen:
            cok_web.get(url)
        few.append(len(seen))
    setup.assign(group, "Петров Пётр Петрович", "Иванова Ирина Ивановна", paid=False)
    for name in ("Орлов Олег Олегович", "Смирнова Ольга Петровна"):
        setup.applicant(name)
    many = []
    for url in pages:
        with count_queries(services.db) as seen:
            page = cok_web.get(url)
        many.append(len(seen))
    assert "Смирнова Ольга Петровна" in page.text and "не выбрана" in page.text
    assert few == many, (few, many)
