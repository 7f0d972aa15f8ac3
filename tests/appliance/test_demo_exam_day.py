"""The demo exam day of `nok demo`: consistent statuses and scores, and the exam-day pages work on it.

The demo is loaded once per module into a template data directory (database, key, blobs);
each test works on its own copy, so tests stay independent and the load (several seconds)
is paid once.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections import Counter
from decimal import Decimal

import pytest
from pypdf import PdfReader

from appliance.bootstrap import open_services
from appliance.demo import load_demo
from appliance.demo_exam_day import TODAY_APPLICANT, TODAY_ORDER, notes, today_group
from appliance.web.app import create_app
from core.audit import AuditRecord, verify_chain
from core.config import KEY_ENV, Config, save_config
from core.models import (Admission, Application, ApplicationStatusChange, AttemptFile, CommissionProtocol,
                         CommissionResult, ExamAttempt, ExamGroup, ExpertDecision, GroupMember, KioskSession, Kos,
                         Organisation, OutgoingMail, PracticeMark, Qualification, QualificationOffer, SpkSubmission,
                         User, Verdict)
from core.plugins import BUILTIN_PLUGINS, PluginHost
from core.services.kiosk import utc_to_local
from core.testing import WebClient, make_config
from core.workflow import Status

PASSWORD = "Демо-пароль-2026"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(KEY_ENV, raising=False)
        config = make_config(tmp_path_factory.mktemp("demo") / "data", base_url="http://testserver")
        services = open_services(config, PluginHost.with_plugins(BUILTIN_PLUGINS))
        try:
            with services.db.connection_context():
                load_demo(PASSWORD, services)
        finally:
            services.db.close()
    return config.data_dir


@pytest.fixture
def demo(demo_template, tmp_path, smtp_server, monkeypatch):
    """Services over a private copy of the loaded demo."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    data = tmp_path / "data"
    shutil.copytree(demo_template, data)
    config = Config(data_dir=data, smtp_port=smtp_server.port, base_url="http://testserver")
    save_config(config)
    services = open_services(config, PluginHost.with_plugins(BUILTIN_PLUGINS))
    services.db.connect(reuse_if_open=True)
    yield services
    services.db.close()


@pytest.fixture
def browser(demo):
    app = create_app(demo)

    def signed_in(email: str | None = None) -> WebClient:
        web = WebClient(app)
        if email:
            assert web.login(email, PASSWORD).status_code == 303
        return web
    return signed_in


def _statuses(names=None) -> Counter:
    query = Application.select()
    if names is not None:
        query = query.where(Application.full_name.in_(names))
    return Counter(Status(a.status) for a in query)


def _app(full_name: str) -> Application:
    return Application.get(Application.full_name == full_name)


def test_statuses_scores_and_commission_are_consistent(demo):
    assert _statuses() == Counter({Status.SENT_TO_SPK: 15, Status.ADMITTED: 4, Status.COMMISSION_DECIDED: 2,
                                   Status.THEORY_PASSED: 2, Status.THEORY_FAILED: 1, Status.EXAM_SCHEDULED: 1})
    theory = ExamAttempt.select().where(ExamAttempt.stage == "theory")
    assert theory.count() == 20 and all(a.finished_at for a in theory)
    assert Counter((a.finish_reason, a.passed) for a in theory) == Counter(
        {("submitted", True): 14, ("submitted", False): 5, ("timeout", False): 1})
    for attempt in theory:  # the stored score is the exam type's score of the stored answers
        details = attempt.score_details
        right = sum(q["correct"] for q in details["questions"].values())
        assert Decimal(right) == attempt.points and attempt.max_points == 40
        assert attempt.passed == (attempt.points >= 28)
    timed_out = ExamAttempt.get(ExamAttempt.finish_reason == "timeout")
    assert timed_out.finished_at == timed_out.deadline_at and timed_out.answers.count() == 29
    assert timed_out.member.application.full_name == "Филиппов Евгений Александрович"

    practice = list(ExamAttempt.select().where(ExamAttempt.stage == "practice"))
    assert Counter(a.passed for a in practice) == Counter({True: 11, False: 1, None: 1})
    assert all(AttemptFile.select().where(AttemptFile.attempt == a.id).count() == 1 for a in practice)
    waiting = next(a for a in practice if a.finished_at is None)
    assert waiting.member.application.full_name == "Семёнов Артур Вадимович"
    assert {m.expert.email for m in PracticeMark.select().where(PracticeMark.attempt == waiting.id)} == \
        {"expert2@spk.demo.nok"}

    assert Status(_app("Родионова Светлана Игоревна").status) is Status.COMMISSION_DECIDED
    assert CommissionResult.get(CommissionResult.application == _app("Родионова Светлана Игоревна")).verdict == \
        Verdict.PASSED
    assert CommissionResult.get(CommissionResult.application == _app("Ульянов Михаил Борисович")).verdict == \
        Verdict.FAILED
    filippov = _app("Филиппов Евгений Александрович")
    assert not CommissionResult.select().where(CommissionResult.application == filippov.id).exists()
    assert [(d.expert.email, d.verdict) for d in ExpertDecision.select().where(ExpertDecision.application ==
                                                                               filippov.id)] == \
        [("expert2@spk.demo.nok", Verdict.FAILED)]
    assert CommissionResult.select().where(CommissionResult.verdict == Verdict.FAILED).count() == 6
    assert SpkSubmission.select().count() == 15

    protocol = CommissionProtocol.get()
    assert protocol.signed_at and protocol.pdf_digest and protocol.docx_digest and protocol.number == "15-ЭК"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(demo.blobs.read(protocol.pdf_digest))).pages)
    assert "Григорьев Виктор Степанович" in text and "Абрамов Игорь Валентинович" in text
    assert all(u.facsimile_digest for u in User.select().where(User.role == "expert"))
    assert all(o.facsimile_digest for o in Organisation.select().where(Organisation.kind.in_(["spk", "cok"])))
    assert verify_chain() == AuditRecord.select().count()


def test_past_days_are_dated_and_letters_do_not_queue(demo):
    today = dt.date.today()
    for group in ExamGroup.select().where(ExamGroup.order_number != TODAY_ORDER):
        assert group.starts_at.date() < today and group.order_signed_at and group.started_at
        assert utc_to_local(group.started_at) < group.starts_at
        for member in group.members:
            assert member.admission == Admission.ADMITTED and member.code_used_at
    rodionova = _app("Родионова Светлана Игоревна")
    history = list(ApplicationStatusChange.select().where(ApplicationStatusChange.application == rodionova.id)
                   .order_by(ApplicationStatusChange.id))
    assert [Status(h.to_status) for h in history] == [
        Status.SUBMITTED, Status.AWAITING_PAYMENT, Status.PAID_DATE_AGREEMENT, Status.EXAM_SCHEDULED,
        Status.ADMITTED, Status.THEORY_PASSED, Status.PRACTICE_PASSED, Status.COMMISSION_DECIDED]
    times = [h.at for h in history]
    assert times == sorted(times) and times[-1].date() < today
    assert OutgoingMail.select().where(OutgoingMail.sent_at.is_null()).count() == 0
    assert KioskSession.select().where(KioskSession.closed_at.is_null()).count() == 1  # the timed-out station


def test_only_a_stored_kos_shows_as_loaded(demo, browser):
    loaded = {(o.cok.short_name, o.qualification.code): o.kos_version for o in QualificationOffer.select()}
    assert {k: v for k, v in loaded.items() if v} == {("ООО «ЦОК «Охрана труда»", "40.05400.01"): "2026.1",
                                                      ("АНО «Уральский ЦОК»", "40.05400.01"): "2026.1"}
    assert {k.qualification.code for k in Kos.select()} == {"40.05400.01"}
    page = browser("admin@cok1.demo.nok").get("/cabinet/cok/qualifications").text
    assert "версия 2026.1" in page and page.count("Не выгружен") == 3 and "версия 1<" not in page


def test_the_printed_access_code_signs_in_at_the_station(demo, browser):
    lines = notes("http://testserver")
    assert lines[0] == ("Экзаменационный день (ООО «ЦОК «Охрана труда», ЭЦ «Нижегородская», «Специалист по охране "
                        "труда (6 уровень квалификации)»):")
    assert "«Печать кодов доступа»" in lines[1]
    code = re.search(r"код доступа ([2-9A-Z]{8}) \(Николаев Денис Олегович\)", lines[-1]).group(1)
    group = today_group()
    assert group.started_at and group.order_signed_at
    assert dt.timedelta(0) < group.starts_at - dt.datetime.now() <= dt.timedelta(minutes=60)
    assert Counter(m.admission for m in group.members) == Counter({Admission.ADMITTED: 4, Admission.PENDING: 1})

    station = browser()
    station.get("/kiosk")
    signed = station.post("/kiosk", {"code": code})
    assert signed.status_code == 303 and signed.headers["location"].endswith("/p/theory_exam/take")
    exam = station.get("/p/theory_exam/take")
    assert exam.status_code == 200 and "Теоретический этап" in exam.text
    member = GroupMember.get(GroupMember.access_code == code)
    assert member.code_used_at and member.application.applicant.email == TODAY_APPLICANT
    assert ExamAttempt.get(ExamAttempt.member == member.id).data["max_points"] == 40
    assert notes("http://testserver")[-1] == (  # the spent code is not offered again
        "Рабочее место экзамена: http://testserver/kiosk. Напечатанный ранее код уже использован: новый выдаёт "
        "кнопка «Выдать новый код» на странице группы.")

    slips = browser("operator@cok1.demo.nok").get(f"/cabinet/cok/theory/{group.id}/slips").text
    assert slips.count('data-testid="slip"') == 4


def test_notes_when_the_exam_time_is_over(demo):
    group = today_group()
    ExamGroup.update(starts_at=group.starts_at - dt.timedelta(hours=5),
                     started_at=group.started_at - dt.timedelta(hours=5)).where(ExamGroup.id == group.id).execute()
    assert "коды больше не действуют" in notes("http://testserver")[-1]


def test_analytics_of_the_demo_qualification_shows_alpha(demo, browser):
    qualification = Qualification.get(Qualification.code == "40.05400.01")
    page = browser("admin@cok1.demo.nok").get(f"/p/theory_exam/analytics/{qualification.id}")
    assert page.status_code == 200
    alpha = re.search(r'data-testid="alpha">([^<]+)<', page.text).group(1)
    assert re.fullmatch(r"0,\d\d", alpha), alpha
    listing = browser("admin@spk.demo.nok").get("/p/theory_exam/analytics").text
    assert "Специалист по охране труда" in listing


def test_cok_results_list_the_demo_candidates_and_send_to_spk(demo, browser):
    web = browser("operator@cok1.demo.nok")
    page = web.get("/cabinet/cok/results")
    assert page.status_code == 200
    for name in ("Родионова Светлана Игоревна", "Ульянов Михаил Борисович", "Абрамов Игорь Валентинович"):
        assert name in page.text
    rodionova = _app("Родионова Светлана Игоревна")
    case = web.get(f"/cabinet/cok/results/{rodionova.id}")
    assert case.status_code == 200 and "Отправить в СПК" in case.text
    sent = web.post(f"/cabinet/cok/results/{rodionova.id}/send", {})
    assert sent.status_code == 303
    assert Status(Application.get_by_id(rodionova.id).status) is Status.SENT_TO_SPK


def test_expert_cabinet_and_group_pages(demo, browser):
    chair = browser("expert1@spk.demo.nok")
    page = chair.get("/cabinet/expert/results")
    assert page.status_code == 200 and "Филиппов Евгений Александрович" in page.text
    filippov = _app("Филиппов Евгений Александрович")
    assert chair.get(f"/cabinet/expert/results/{filippov.id}").status_code == 200

    cok = browser("operator@cok1.demo.nok")
    last = (ExamGroup.select().where((ExamGroup.kind == "theory") & (ExamGroup.order_number == "25-НОК")).get())
    group_page = cok.get(f"/cabinet/cok/theory/{last.id}")
    assert group_page.status_code == 200 and "Тарасова Ольга Петровна" in group_page.text
    sheet = cok.get(f"/cabinet/cok/theory/{last.id}/sheet.pdf")
    assert sheet.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.content)).pages)
    assert "Ульянов" in text and "Филиппов" in text


def test_reloading_with_services_changes_nothing(demo):
    counts = (Application.select().count(), ExamAttempt.select().count(), AuditRecord.select().count())
    load_demo(PASSWORD, demo)
    assert (Application.select().count(), ExamAttempt.select().count(), AuditRecord.select().count()) == counts
