"""`nok station …`: the recorder process of an exam workstation or room camera.

``init`` creates the station key, ``enrol`` registers the station at the appliance with the
operator's one-time code, ``record`` captures one source into signed segments and uploads them
(Ctrl+C stops it after finishing the current segment), ``upload`` sends what is left in the
spool, ``status`` shows the spool. Everything lives in one station directory (``--dir``).

The same commands run without an appliance config as ``python -m plugins.video_capture.station_cli``
(a workstation has no appliance of its own). Heavy modules (av, numpy, cv2) are imported inside
the commands so the plugin's hooks load on a machine without them.
"""
from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from core.exceptions import NokError
from core.russian import plural

SOURCES = ("webcam", "screen", "network_camera", "synthetic")
LOGGER = "plugins.video_capture"
DIR_OPTION = click.option("--dir", "folder", required=True, metavar="КАТАЛОГ",
                          type=click.Path(file_okay=False, path_type=Path),
                          help="Каталог станции: ключ, регистрация и очередь сегментов.")


class StationCliError(click.ClickException):
    """One Russian line «Ошибка: …» on stderr, exit code 1 — the way `nok` reports errors."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"Ошибка: {self.format_message()}", err=True)





@contextmanager
def console_log() -> Iterator[None]:
    """Progress lines of the station modules on stderr while a long command runs."""
    logger = logging.getLogger(LOGGER)
    handler = logging.StreamHandler(sys.stderr)  # looked up now: a test runner may have replaced it
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


@click.group(name="station")
def station() -> None:
    """Станция видеофиксации: запись рабочего места или зала и передача на устройство."""


@station.command("init")
@DIR_OPTION
def init_command(folder: Path) -> None:
    """Создать ключ станции (один раз; файл доступен только владельцу)."""
    from plugins.video_capture.station_keys import KEY_FILE, create_key, public_key_hex

    key = create_key(folder)
    click.echo(f"Ключ станции создан: {folder / KEY_FILE}")
    click.echo(f"Открытый ключ: {public_key_hex(key)}")
    click.echo(f"Теперь подключите станцию: nok station enrol --dir {folder} --appliance АДРЕС --code КОД")


@station.command("enrol")
@DIR_OPTION
@click.option("--appliance", required=True, metavar="АДРЕС", help="Адрес устройства, например http://192.168.1.10:8080")
@click.option("--code", required=True, metavar="КОД", help="Код подключения со страницы «Видеофиксация».")
@click.option("--address", default=None, metavar="IP", help="IP-адрес этого компьютера, если устройство видит другой.")
def enrol_command(folder: Path, appliance: str, code: str, address: str | None) -> None:
    """Подключить станцию к устройству по одноразовому коду."""
    from plugins.video_capture.api_client import ApplianceClient, base_url
    from plugins.video_capture.station_keys import Enrolment, load_key, public_key_hex

    key = load_key(folder)
    answer = ApplianceClient(appliance).enrol(code.strip(), public_key_hex(key), address)
    try:
        enrolment = Enrolment(appliance=base_url(appliance), station=int(answer["station"]),
                              name=str(answer.get("name") or f"Станция № {answer['station']}"),
                              token=str(answer["token"]))
    except (KeyError, TypeError, ValueError):
        raise StationCliError("Устройство ответило не так, как ожидалось; проверьте адрес устройства.")
    enrolment.save(folder)
    click.echo(f"Станция «{enrolment.name}» (№ {enrolment.station}) подключена к устройству {enrolment.appliance}.")


def recorder_settings(source: str, index: int, url: str | None, monitor: int, region: str | None, fps: int,
                      width: int, height: int) -> dict[str, Any]:
    if source == "webcam":
        return {"index": index}
    if source == "network_camera":
        if not url:
            raise StationCliError("Для IP-камеры укажите адрес потока: --url rtsp://…")
        return {"url": url}
    if source == "screen":
        settings: dict[str, Any] = {"monitor": monitor, "fps": fps}
        if region:
            try:
                left, top, w, h = (int(part) for part in region.split(","))
            except ValueError:
                raise StationCliError("Область экрана: --region ЛЕВО,ВЕРХ,ШИРИНА,ВЫСОТА, например 0,0,1280,720")
            settings["region"] = {"left": left, "top": top, "width": w, "height": h}
        return settings
    return {"fps": fps, "width": width, "height": height}


@station.command("record")
@DIR_OPTION
@click.option("--source", type=click.Choice(SOURCES), required=True, help="Что записывать.")
@click.option("--index", type=click.IntRange(0, 63), default=0, show_default=True, help="Номер веб-камеры.")
@click.option("--url", default=None, metavar="АДРЕС", help="Поток IP-камеры (rtsp:// или http://).")
@click.option("--monitor", type=click.IntRange(0, 32), default=1, show_default=True, help="Номер монитора.")
@click.option("--region", default=None, metavar="Л,В,Ш,В", help="Часть экрана: левый край, верх, ширина, высота.")
@click.option("--fps", type=click.IntRange(1, 60), default=10, show_default=True, help="Кадров в секунду.")
@click.option("--segment-seconds", type=click.FloatRange(0.5, 3600), default=60, show_default=True,
              help="Длительность сегмента, с.")
@click.option("--duration", type=click.FloatRange(0, None, min_open=True), default=None, metavar="СЕКУНДЫ",
              help="Остановиться через столько секунд (по умолчанию — по Ctrl+C).")
@click.option("--width", type=click.IntRange(16, 3840), default=1280, show_default=True,
              help="Ширина кадра синтетического источника.")
@click.option("--height", type=click.IntRange(16, 2160), default=720, show_default=True,
              help="Высота кадра синтетического источника.")
@click.option("--drain-seconds", type=click.FloatRange(0, None), default=30, show_default=True,
              help="Сколько ждать передачи очереди после остановки.")
def record_command(folder: Path, source: str, index: int, url: str | None, monitor: int, region: str | None,
                   fps: int, segment_seconds: float, duration: float | None, width: int, height: int,
                   drain_seconds: float) -> None:
    """Записывать источник сегментами и передавать их на устройство (остановка — Ctrl+C)."""
    from plugins.video_capture import providers
    from plugins.video_capture.api_client import ApplianceClient
    from plugins.video_capture.capture import Binding, CaptureLoop, LiveState
    from plugins.video_capture.live_link import LiveLink
    from plugins.video_capture.segmenter import Segmenter
    from plugins.video_capture.spool import Spool
    from plugins.video_capture.station_keys import SPOOL_DIR, Enrolment, StationIdentity
    from plugins.video_capture.uploader import SpoolUploader

    recorders = {cls.code: cls for cls in (providers.WebcamRecorder, providers.ScreenRecorder,
                                           providers.NetworkCameraRecorder, providers.SyntheticRecorder)}
    settings = recorder_settings(source, index, url, monitor, region, fps, width, height)
    identity, enrolment = StationIdentity.load(folder), Enrolment.load(folder)
    spool = Spool(folder / SPOOL_DIR)
    client = ApplianceClient(enrolment.appliance, enrolment.token, timeout=10)
    live = LiveState(Binding(None, None, enrolment.name))
    link, uploader = LiveLink(client, live, enrolment.name), SpoolUploader(spool, client)
    segmenter = Segmenter(spool, identity, source, fps=fps, segment_seconds=segment_seconds)
    stop_capture, stop_uplink = threading.Event(), threading.Event()
    with console_log(), stop_on_signals(stop_capture):
        log = logging.getLogger(LOGGER)
        if spool.clear_temp():
            log.warning("Удалён незавершённый сегмент прерванной записи (готовые сегменты в очереди целы)")
        try:
            link.poll_binding()
        except NokError as ex:
            log.warning("Связь с устройством: %s; запись идёт, сегменты копятся в очереди", ex)
        threads = [threading.Thread(target=uploader.run, args=(stop_uplink,), name="uploader", daemon=True),
                   threading.Thread(target=link.run, args=(stop_uplink,), name="live-link", daemon=True)]
        for thread in threads:
            thread.start()
        log.info("Запись «%s» (%s) начата; остановка — Ctrl+C", live.binding.label, recorders[source].title)
        try:
            CaptureLoop(recorders[source](settings), segmenter, live, stop_capture, duration=duration).run()
        finally:
            stop_capture.set()
            deadline = time.monotonic() + drain_seconds
            while spool.pending() and time.monotonic() < deadline and threads[0].is_alive():
                stop_uplink.wait(0.2)
            stop_uplink.set()
            for thread in threads:
                thread.join(timeout=15)
    waiting, size = spool.usage()
    click.echo(f"Запись остановлена. Записано: {plural(segmenter.committed, 'сегмент', 'сегмента', 'сегментов')}, "
               f"передано: {uploader.stored}, в очереди: {waiting} ({size / 1e6:.1f} МБ).")


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl+C and SIGTERM end the recording cleanly: the current segment is finished, not lost."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame) -> None:
        if stop.is_set():  # asked twice: stop waiting for the upload (the spool keeps the rest)
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@station.command("upload")
@DIR_OPTION
@click.option("--timeout", type=click.FloatRange(0, None), default=60, show_default=True,
              help="Сколько секунд пытаться, если устройство недоступно.")
def upload_command(folder: Path, timeout: float) -> None:
    """Передать на устройство сегменты, оставшиеся в очереди."""
    from plugins.video_capture.api_client import ApplianceClient
    from plugins.video_capture.spool import Spool
    from plugins.video_capture.station_keys import SPOOL_DIR, Enrolment
    from plugins.video_capture.uploader import SpoolUploader

    enrolment = Enrolment.load(folder)
    spool = Spool(folder / SPOOL_DIR)
    uploader = SpoolUploader(spool, ApplianceClient(enrolment.appliance, enrolment.token, timeout=10))
    with console_log():
        done = uploader.run_until_empty(timeout)
    waiting, size = spool.usage()
    click.echo(f"Передано: {plural(uploader.stored, 'сегмент', 'сегмента', 'сегментов')}. "
               f"В очереди: {waiting} ({size / 1e6:.1f} МБ).")
    if not done:
        raise StationCliError("Очередь передана не полностью: устройство недоступно. Повторите позже.")


@station.command("status")
@DIR_OPTION
def status_command(folder: Path) -> None:
    """Показать станцию, очередь сегментов и последнюю передачу."""
    from plugins.video_capture.spool import Spool
    from plugins.video_capture.station_keys import ENROLMENT_FILE, KEY_FILE, SPOOL_DIR, Enrolment

    if not (folder / KEY_FILE).is_file():
        raise StationCliError(f"В каталоге {folder} нет станции: выполните nok station init --dir {folder}")
    if (folder / ENROLMENT_FILE).is_file():
        enrolment = Enrolment.load(folder)
        click.echo(f"Станция: «{enrolment.name}» (№ {enrolment.station}), устройство {enrolment.appliance}")
    else:
        click.echo("Станция не подключена к устройству (nok station enrol).")
    spool = Spool(folder / SPOOL_DIR)
    waiting, size = spool.usage()
    status = spool.status()
    click.echo(f"В очереди: {plural(waiting, 'сегмент', 'сегмента', 'сегментов')}, {size / 1e6:.1f} МБ")
    failed = spool.failed_entries()
    if failed:
        click.echo(f"Отклонено устройством: {len(failed)} (сегменты и причины — в {spool.failed})")
    last = status.get("last_upload_at")
    click.echo(f"Последняя передача: {_local(last)} — сегмент {status.get('last_segment')}" if last
               else "Последняя передача: ещё не было")
    if status.get("last_error"):
        click.echo(f"Связь с устройством: {status['last_error']} (с {_local(status.get('last_error_at'))})")


def _local(moment: str | None) -> str:
    if not moment:
        return "—"
    return dt.datetime.fromisoformat(moment).astimezone().strftime("%d.%m.%Y %H:%M:%S")


def register(group: click.Group) -> None:
    """Add the station commands to the `nok` group."""
    group.add_command(station)


class _StandaloneGroup(click.Group):
    """`python -m plugins.video_capture.station_cli`: the same Russian one-line errors as `nok`."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NokError as ex:
            raise StationCliError(str(ex)) from None
        except OSError as ex:
            raise StationCliError(f"{ex.strerror or ex}: {ex.filename}" if ex.filename else str(ex)) from None


def standalone() -> click.Group:
    """The station commands as their own program, for a workstation without an appliance config."""
    return _StandaloneGroup(name="station", commands=dict(station.commands), help=station.help)


def main(argv: list[str] | None = None) -> None:
    standalone().main(args=argv, prog_name="nok station")


if __name__ == "__main__":
    main(sys.argv[1:])
