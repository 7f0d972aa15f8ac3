"""«Сотрудники»: only an organisation's Администратор manages its staff."""
import pytest

from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import OrgKind, Role, User
from core.services.users import StaffForm, create_staff, create_user, delete_staff, list_staff, update_staff


@pytest.fixture
def cok(sqlcipher_db, factory):
    return factory.org(OrgKind.COK)


def test_admin_creates_edits_deletes_staff(cok, factory):
    admin = factory.user(Role.ADMIN, cok)
    op = create_staff(admin, cok, StaffForm("Operator@Example.ru", "Петрова Анна Сергеевна", "operator",
                                            "8 (916) 123-45-67", "Специалист"))
    assert op.email == "operator@example.ru" and op.phone == "+79161234567" and op.password_hash is None
    update_staff(admin, cok, op, StaffForm("operator@example.ru", "Петрова Анна Сергеевна", "admin"))
    assert User.get_by_id(op.id).role == "admin"
    staff, total = list_staff(admin, cok)
    assert total == 2 and {u.id for u in staff} == {admin.id, op.id}
    delete_staff(admin, cok, op)
    assert User.get_or_none(User.id == op.id) is None


def test_operator_cannot_manage_staff(cok, factory):
    op = factory.user(Role.OPERATOR, cok)
    with pytest.raises(PermissionDeniedError, match="только Администратор"):
        create_staff(op, cok, StaffForm("new@example.ru", "Новиков Олег Петрович", "operator"))


def test_other_organisation_is_invisible(cok, factory):
    other = factory.org(OrgKind.COK)
    stranger_admin = factory.user(Role.ADMIN, other)
    victim = factory.user(Role.OPERATOR, cok)
    with pytest.raises(PermissionDeniedError):
        delete_staff(stranger_admin, cok, victim)
    with pytest.raises(NotFoundError):
        delete_staff(stranger_admin, other, victim)
    with pytest.raises(PermissionDeniedError):
        list_staff(stranger_admin, cok)


def test_email_unique_and_roles_checked(cok, factory):
    admin = factory.user(Role.ADMIN, cok, email="boss@example.ru")
    with pytest.raises(ValidationError, match="уже зарегистрирован") as info:
        create_staff(admin, cok, StaffForm("BOSS@example.ru", "Клонов Клон Клонович", "operator"))
    assert info.value.field == "email"
    with pytest.raises(ValidationError, match="Администратор или Оператор"):
        create_staff(admin, cok, StaffForm("x@example.ru", "Иксов Икс Иксович", "expert"))
    with pytest.raises(ValidationError, match="Эксперт"):
        create_user(email="e@example.ru", full_name="Экспертов Эксперт Экспертович", role=Role.EXPERT, organisation=cok)


def test_last_admin_is_protected(cok, factory):
    admin = factory.user(Role.ADMIN, cok)
    with pytest.raises(ValidationError, match="собственную"):
        delete_staff(admin, cok, admin)
    with pytest.raises(ValidationError, match="последнего Администратора"):
        update_staff(admin, cok, admin, StaffForm(admin.email, admin.full_name, "operator"))


@pytest.mark.parametrize("name, message", [
    ("Тест", "ФИО полностью"),
    ("Ivanov Ivan", "кириллицы"),
    ("", "не указано"),
])
def test_full_name_is_checked(cok, factory, name, message):
    admin = factory.user(Role.ADMIN, cok)
    with pytest.raises(ValidationError, match=message) as info:
        create_staff(admin, cok, StaffForm("n@example.ru", name, "operator"))
    assert info.value.field == "full_name"
