"""`nok retention …`: destroy recordings whose keeping term is over, hold them for appeals, export acts.

`run` is meant for a daily cron job or systemd timer; it is safe to repeat (a destroyed recording
is never due again). `--dry-run` shows what would go and changes nothing.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from core.documents.money import plural
from core.exceptions import NotFoundError
from plugins.video_capture import destruction, retention
from plugins.video_capture.destruction_act import size_text
from plugins.video_capture.models import DestructionAct
from plugins.video_capture.retention_pages import ACT_URL

RECORDINGS = ("видеозапись", "видеозаписи", "видеозаписей")


def _count(n: int, forms: tuple[str, str, str]) -> str:
    return f"{n} {plural(n, forms)}"


def _row(p: retention.Planned) -> str:
    return (f"  • № {p.recording.id} — {p.subject}; хранить до {p.term.keep_until:%d.%m.%Y}; сегментов: {p.segments}, "
            f"{size_text(p.size)}; {p.term.reason}")


def register(group: click.Group) -> None:
    """Add `nok retention` to the `nok` group."""

    @group.group("retention")
    def retention_commands() -> None:
        """Сроки хранения видеозаписей экзаменов и их уничтожение."""

    @retention_commands.command("run")
    @click.option("--dry-run", is_flag=True, help="Только показать, что будет уничтожено; ничего не менять.")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]), default=None, metavar="ДАТА",
                  help="Считать сегодняшней эту дату (по умолчанию — текущая).")
    @click.pass_obj
    def run(state, dry_run: bool, today) -> None:
        """Уничтожить видеозаписи с истёкшим сроком хранения и составить акты.

        Запись сданного экзамена хранится срок действия свидетельства и ещё 3 года, несданного — срок,
        установленный СПК (по умолчанию 1 год); пока нет результата или идёт апелляция — не уничтожается.
        Запускать раз в день, например из cron. Повторный запуск безопасен.
        """
        services = state.services()
        day = today.date() if today else dt.date.today()
        with services.db.connection_context():
            if dry_run:
                due = retention.due_recordings(day)
                if not due:
                    click.echo(f"На {day:%d.%m.%Y} уничтожать нечего: сроки хранения не истекли.")
                    return
                click.echo(f"На {day:%d.%m.%Y} будет уничтожено: {_count(len(due), RECORDINGS)} "
                           f"({size_text(sum(p.size for p in due))}). Пробный запуск: ничего не изменено.")
                for p in due:
                    click.echo(_row(p))
                return
            results = destruction.run(services.blobs, day, services.config.data_dir)
        if not results:
            click.echo(f"На {day:%d.%m.%Y} уничтожать нечего: сроки хранения не истекли.")
            return
        base = services.config.base_url.rstrip("/")
        for result in results:
            act, data = result.act, result.data
            click.echo(f"Акт об уничтожении персональных данных № {act.number} ({data.venue_name}): уничтожено "
                       f"{_count(act.recordings, RECORDINGS)}, сегментов: {act.segments}, "
                       f"{size_text(act.bytes_destroyed)}.")
            for line in data.lines:
                click.echo(f"  • № {line.recording} — {line.subject}; хранить до {line.keep_until:%d.%m.%Y}")
            click.echo(f"  Скачать акт: {base}{ACT_URL.format(id=act.id)}")
            click.echo(f"  или командой: nok retention act {act.number} --output акт.pdf")

    @retention_commands.command("hold")
    @click.argument("number", metavar="НОМЕР_ЗАЯВЛЕНИЯ")
    @click.option("--reason", required=True, metavar="ТЕКСТ", help="Причина: апелляция, запрос проверяющего органа…")
    @click.pass_obj
    def hold(state, number: str, reason: str) -> None:
        """Продлить хранение видеозаписей по заявлению (апелляция, проверка).

        Записи соискателя и камер зала его групп не уничтожаются, пока продление не снято командой release.
        """
        services = state.services()
        with services.db.connection_context():
            application = retention.application_by_number(number)
            retention.place_hold(application, reason)
        click.echo(f"Хранение видеозаписей по заявлению № {application.number} ({application.full_name}) продлено "
                   f"до снятия: {' '.join(reason.split())}.")

    @retention_commands.command("release")
    @click.argument("number", metavar="НОМЕР_ЗАЯВЛЕНИЯ")
    @click.pass_obj
    def release(state, number: str) -> None:
        """Снять продление хранения: дальше действует обычный срок."""
        services = state.services()
        with services.db.connection_context():
            application = retention.application_by_number(number)
            retention.release_hold(application)
        click.echo(f"Продление хранения по заявлению № {application.number} снято: действует обычный срок хранения.")

    @retention_commands.command("act")
    @click.argument("number", metavar="НОМЕР_АКТА")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="ФАЙЛ",
                  help="Куда сохранить PDF.")
    @click.pass_obj
    def act(state, number: str, output: Path) -> None:
        """Сохранить акт об уничтожении персональных данных в файл PDF."""
        services = state.services()
        with services.db.connection_context():
            row = DestructionAct.get_or_none(DestructionAct.number == number.strip())
            if row is None:
                raise NotFoundError(f"Акт № {number.strip()} не найден.")
            output.write_bytes(services.blobs.read(row.pdf_digest))
        click.echo(f"Акт № {row.number} сохранён: {output}")
