"""`nok video verify`: re-read every stored segment (decrypt, SHA-256, signature, chain) — a scrub.

The playback page re-hashes a segment only when its last check is older than a day; this
command checks everything, e.g. weekly from cron, so a file damaged on disk is found before
anyone needs the recording. Exit status 1 when something does not verify.
"""
from __future__ import annotations

import click

from plugins.video_capture.models import Recording
from plugins.video_capture.verification import verify_recording


def register(group: click.Group) -> None:
    """Add `nok video` to the `nok` group."""

    @group.group("video")
    def video_commands() -> None:
        """Видеозаписи экзаменов: проверка целостности."""

    @video_commands.command("verify")
    @click.pass_obj
    def verify(state) -> None:
        """Проверить все хранящиеся видеозаписи: файлы, подписи станций и цепочку сегментов.

        Запускать периодически (например, раз в неделю из cron). Код возврата 1 — найдены нарушения.
        """
        services = state.services()
        checked, broken = 0, 0
        with services.db.connection_context():
            for recording in Recording.select().where(Recording.destroyed_at.is_null()).order_by(Recording.id):
                problems = verify_recording(recording, services.blobs, rehash_after=None)
                checked += 1
                if problems:
                    broken += 1
                    click.echo(f"Запись № {recording.id} ({recording.label}):")
                    for problem in dict.fromkeys(problems):
                        click.echo(f"  • сегмент № {problem.seq}: {problem.message}")
        if broken:
            click.echo(f"Проверено записей: {checked}; с нарушениями: {broken}.")
            raise SystemExit(1)
        click.echo(f"Проверено записей: {checked}; все в порядке.")
