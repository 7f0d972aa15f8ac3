"""`nok kos import|export|list`: КОС of the appliance's qualifications from the command line.

The same importer as the ЦОК page (format by content, all or nothing), acting as the system:
the offers of every ЦОК on this appliance that assess the qualification get «Выгружен». A
refused file prints one Russian line naming the item and exits with code 1.
"""
from __future__ import annotations

from pathlib import Path

import click

from appliance.cli._internal import plural, table
from appliance.cli.errors import CliError
from appliance.cli.state import CliState, pass_state
from core import audit
from core.exceptions import NotFoundError
from core.kos.reader import FORMAT_TITLES, MAX_KOS_BYTES, MAX_PASSPORT_BYTES, MIB
from core.models import Qualification

FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


@click.group("kos")
def kos_commands() -> None:
    """КОС квалификаций: загрузка, выгрузка, список."""


def find_qualification(code: str) -> Qualification:
    found = Qualification.get_or_none(Qualification.code == code.strip())
    if found is None:
        raise NotFoundError(f"Квалификация с кодом «{code}» не найдена (коды показывает «nok kos list»).")
    return found


def _read(path: Path, limit: int) -> bytes:
    if path.stat().st_size > limit:
        raise CliError(f"Файл «{path}» больше {limit // MIB} МБ.")
    return path.read_bytes()


@kos_commands.command("import")
@click.argument("code", metavar="КОД_КВАЛИФИКАЦИИ")
@click.argument("path", metavar="ФАЙЛ", type=FILE)
@click.option("--passport", type=FILE, default=None, metavar="ФАЙЛ",
              help="Паспорт КОС (JSON) для пакета IMS QTI или Moodle XML: версия, спецификация, практика, портфолио.")
@pass_state
def kos_import(state: CliState, code: str, path: Path, passport: Path | None) -> None:
    """Загрузить КОС (JSON, zip-пакет IMS QTI 2.1 или Moodle XML) и сделать его текущим."""
    from core.kos.store import import_kos, summary_numbers

    data = _read(path, MAX_KOS_BYTES)
    passport_data = _read(passport, MAX_PASSPORT_BYTES) if passport else None
    services = state.services()
    with services.db.connection_context():
        qualification = find_qualification(code)
        with audit.acting_as(audit.SYSTEM):
            kos = import_kos(None, qualification, data, path.name, passport_data)
        numbers = summary_numbers(kos.data)
    click.echo(f"КОС версии «{kos.version}» загружен для квалификации {qualification.code} «{qualification.title}» "
               f"({FORMAT_TITLES[kos.source_format]}): {plural(numbers['questions'], 'вопрос', 'вопроса', 'вопросов')} "
               f"в {plural(numbers['sections'], 'разделе', 'разделах', 'разделах')}, в тесте {numbers['drawn']}, "
               f"проходной балл {numbers['pass_points']}.")
    for note in getattr(kos, "notes", []):
        click.echo(f"  • {note}")


@kos_commands.command("export")
@click.argument("code", metavar="КОД_КВАЛИФИКАЦИИ")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              metavar="ФАЙЛ", help="Куда сохранить (по умолчанию — вывести в стандартный вывод).")
@click.option("--version", "version", default=None, metavar="ВЕРСИЯ", help="Версия КОС (по умолчанию — текущая).")
@pass_state
def kos_export(state: CliState, code: str, output: Path | None, version: str | None) -> None:
    """Выгрузить КОС квалификации в JSON (nok-kos/1)."""
    from core.kos.store import current_version, export_kos, record_export
    from core.models import Kos

    services = state.services()
    with services.db.connection_context():
        qualification = find_qualification(code)
        if version:
            kos = Kos.get_or_none((Kos.qualification == qualification) & (Kos.version == version))
        else:
            kos = current_version(qualification)
        if kos is None:
            what = f"версии «{version}»" if version else "ни одной версии"
            raise NotFoundError(f"У квалификации {qualification.code} нет КОС {what}.")
        data = export_kos(kos)
        with audit.acting_as(audit.SYSTEM):
            record_export(kos)
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stdout as they are
        return
    output.write_bytes(data)
    click.echo(f"КОС версии «{kos.version}» квалификации {qualification.code} сохранён в {output}.", err=True)


@kos_commands.command("list")
@pass_state
def kos_list(state: CliState) -> None:
    """Квалификации и их КОС: текущая версия, число вопросов, дата загрузки."""
    from core.kos.store import current_version, summary_numbers

    services = state.services()
    with services.db.connection_context():
        rows = []
        for qualification in Qualification.select().order_by(Qualification.code):
            kos = current_version(qualification)
            numbers = summary_numbers(kos.data) if kos else None
            rows.append((qualification.code, qualification.title, kos.version if kos else "не загружен",
                         numbers["questions"] if numbers else None,
                         kos.loaded_at.strftime("%d.%m.%Y %H:%M") if kos else None,
                         FORMAT_TITLES.get(kos.source_format) if kos else None))
    if not rows:
        click.echo("Квалификаций нет: загрузите справочник СПК или демо-данные («nok demo»).")
        return
    click.echo(table(["Код", "Квалификация", "Версия КОС", "Вопросов", "Загружен", "Формат"], rows))
