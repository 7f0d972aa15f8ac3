"""The applicant's status line: the main way always shown, a side state where it happened."""
from appliance.web.applicant.status_line import status_line
from core.models import Application, ApplicationStatusChange
from core.workflow import Status


def _line(status, *visited):
    application = Application(status=status.value)
    history = [ApplicationStatusChange(to_status=s.value) for s in visited]
    return [(step.title, step.state) for step in status_line(application, history)]


def test_main_way_marks_passed_current_and_ahead():
    line = _line(Status.AWAITING_PAYMENT, Status.DRAFT, Status.SUBMITTED, Status.AWAITING_PAYMENT)
    assert line[:4] == [("Черновик", "done"), ("На рассмотрении", "done"), ("Ожидает оплаты", "current"),
                        ("Оплачено. Согласование даты", "todo")]
    assert line[-1] == ("Свидетельство выдано", "todo")


def test_side_state_follows_the_last_step_passed():
    line = _line(Status.NEEDS_FIX, Status.DRAFT, Status.SUBMITTED, Status.NEEDS_FIX)
    assert line[:4] == [("Черновик", "done"), ("На рассмотрении", "done"), ("На доработке", "current"),
                        ("Ожидает оплаты", "todo")]
    withdrawn = _line(Status.WITHDRAWN, Status.DRAFT, Status.WITHDRAWN)
    assert withdrawn[:3] == [("Черновик", "done"), ("Отозвано", "current"), ("На рассмотрении", "todo")]
