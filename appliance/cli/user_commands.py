"""User accounts from the command line: `nok user add` (the first administrator, above all) and
`nok user list`. A user gets a password, or a one-time link to set one — printed, or mailed.
"""
from __future__ import annotations

import click
import peewee

from appliance.cli._internal import plural, table
from appliance.cli.errors import CliError
from appliance.cli.state import CliState, pass_state
from core import audit
from core.db import write_transaction
from core.exceptions import MailDeliveryError, NotFoundError, ValidationError
from core.models import ORG_KIND_TITLES, ROLE_TITLES, Organisation, OrgKind, Role, User


@click.group()
def user() -> None:
    """Пользователи: создание и список."""


def find_organisation(value: str) -> Organisation:
    """Find an organisation by its ID or ИНН; several with one ИНН (ЦОК and its venue) need the ID."""
    text = value.strip()
    if not text.isdigit():
        raise NotFoundError(f"Организация «{value}» не найдена: укажите её ID или ИНН (nok user list покажет ID).")
    if len(text) in (10, 12):
        found = list(Organisation.select().where(Organisation.inn == text).order_by(Organisation.id))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            variants = "; ".join(f"ID {o.id} — {o.short_name} ({o.kind_title})" for o in found)
            raise ValidationError(f"ИНН {text} у нескольких организаций, укажите ID: {variants}.", field="org")
    org = Organisation.get_or_none(Organisation.id == int(text)) if len(text) < 10 else None
    if org is None:
        raise NotFoundError(f"Организация «{value}» не найдена (ни по ID, ни по ИНН).")
    return org


ROLE_CHOICES = [r.value for r in Role]


@user.command("add")
@click.option("--email", required=True, metavar="EMAIL", help="Адрес электронной почты (логин).")
@click.option("--name", "full_name", required=True, metavar="ФИО", help="Фамилия, имя и отчество.")
@click.option("--role", type=click.Choice(ROLE_CHOICES), required=True,
              help="admin — Администратор, operator — Оператор, expert — Эксперт, applicant — Соискатель.")
@click.option("--org", default=None, metavar="ID|ИНН", help="Организация (ID или ИНН); для соискателя не указывается.")
@click.option("--phone", default="", metavar="ТЕЛЕФОН", help="Телефон, например +7 912 345-67-89.")
@click.option("--position", default="", metavar="ДОЛЖНОСТЬ", help="Должность.")
@click.option("--password", default=None, metavar="ПАРОЛЬ", help="Задать пароль сразу (виден в истории команд).")
@click.option("--ask-password", is_flag=True, help="Спросить пароль (ввод скрыт, дважды).")
@click.option("--send-link", is_flag=True, help="Отправить письмо с одноразовой ссылкой для установки пароля.")
@pass_state
def user_add(state: CliState, email: str, full_name: str, role: str, org: str | None, phone: str, position: str,
             password: str | None, ask_password: bool, send_link: bool) -> None:
    """Создать пользователя. Без пароля выдаётся одноразовая ссылка для его установки."""
    if sum(bool(x) for x in (password is not None, ask_password, send_link)) > 1:
        raise CliError("Укажите только один из параметров: --password, --ask-password или --send-link.")
    if ask_password:
        password = click.prompt("Пароль", hide_input=True, confirmation_prompt="Повторите пароль")
    from core.services.auth import issue_password_link, password_link_url, send_password_link
    from core.services.users import create_user

    services = state.services()
    config = services.config
    with services.db.connection_context():
        organisation = find_organisation(org) if org else None
        with audit.acting_as(audit.SYSTEM), write_transaction():
            created = create_user(email=email, full_name=full_name, role=Role(role), organisation=organisation,
                                  phone=phone, position=position, password=password)
        where = f", организация «{organisation.short_name}»" if organisation else ""
        click.echo(f"Создан пользователь {created.full_name} <{created.email}>: роль «{created.role_title}»{where}.")
        if password is not None:
            click.echo("Пароль задан.")
            return
        if send_link:
            try:
                with audit.acting_as(audit.SYSTEM):
                    send_password_link(config, services.mailer, created)
            except MailDeliveryError as ex:
                click.echo(f"Предупреждение: {ex}", err=True)
                with audit.acting_as(audit.SYSTEM):
                    token = issue_password_link(config, created)
                click.echo("Передайте пользователю одноразовую ссылку для установки пароля "
                           f"(действует {config.password_link_hours} ч):")
                click.echo(password_link_url(config, token))
            else:
                click.echo(f"Письмо с одноразовой ссылкой для установки пароля отправлено на {created.email}.")
            return
        with audit.acting_as(audit.SYSTEM):
            token = issue_password_link(config, created)
        click.echo(f"Одноразовая ссылка для установки пароля (действует {config.password_link_hours} ч):")
        click.echo(password_link_url(config, token))


@user.command("list")
@click.option("--org", default=None, metavar="ID|ИНН", help="Только сотрудники этой организации.")
@pass_state
def user_list(state: CliState, org: str | None) -> None:
    """Список пользователей."""
    services = state.services()
    with services.db.connection_context():
        query = User.select(User, Organisation).join(Organisation, peewee.JOIN.LEFT_OUTER)
        if org:
            query = query.where(User.organisation == find_organisation(org))
        order = {role.value: i for i, role in enumerate(Role)}
        users = sorted(query, key=lambda u: (u.organisation_id or 0, order.get(u.role, 9), u.full_name, u.id))
        rows = [(u.id, u.email, u.full_name, ROLE_TITLES[Role(u.role)],
                 f"{u.organisation.short_name} (ID {u.organisation.id})" if u.organisation_id else "—",
                 "да" if u.is_active else "нет") for u in users]
        orgs = list(Organisation.select().order_by(Organisation.id)) if not org else []
    if not rows:
        click.echo("Пользователей нет.")
    else:
        click.echo(table(["ID", "Email", "ФИО", "Роль", "Организация", "Активен"], rows))
        click.echo(f"Всего: {plural(len(rows), 'пользователь', 'пользователя', 'пользователей')}.")
    if orgs:
        click.echo("")
        click.echo(table(["ID", "Вид", "Организация", "ИНН"],
                         [(o.id, ORG_KIND_TITLES[OrgKind(o.kind)], o.short_name, o.inn) for o in orgs]))
