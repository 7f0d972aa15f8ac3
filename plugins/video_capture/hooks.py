"""Hook implementations of the video_capture plugin (entry point ``video_capture``)."""
from __future__ import annotations

import importlib
from pathlib import Path

from core.plugin_api import MenuItem, Recorder, hookimpl
from plugins.video_capture import (binding, monitoring, playback, result_video, retention_cli, retention_pages,
                                   station_api, station_cli, station_pages, verify_cli)
from plugins.video_capture.models import MODELS
from plugins.video_capture.providers import (NetworkCameraRecorder, ScreenRecorder, SyntheticRecorder,
                                             WebcamRecorder)

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

#: Runtime dependencies: module to import, distribution to install, what needs it.
REQUIRED_MODULES = (
    ("cv2", "opencv-python", "запись с веб-камеры и IP-камеры"),
    ("mss", "mss", "запись экрана"),
    ("av", "av", "кодирование видео в H.264 и WebM"),
)


@hookimpl
def nok_compatibility_errors() -> list[str]:
    errors = []
    for module, package, purpose in REQUIRED_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            errors.append(f"не установлен пакет {package} (модуль {module}), нужен для: {purpose}")
    if not errors:
        errors += codec_errors()
    return errors


def codec_errors() -> list[str]:
    """The segments are VP8 WebM (ADR 0007): an FFmpeg build without libvpx cannot record them.

    A missing camera or display is not a reason to switch the plugin off — the appliance stores
    and plays recordings without either; `nok station record` says so on the station itself."""
    import av

    try:
        av.codec.Codec("libvpx", "w")
    except Exception:  # noqa: BLE001 — any failure means the encoder is not there
        return ["в установленной сборке FFmpeg (пакет av) нет кодировщика VP8 (libvpx), нужного для записи видео"]
    return []


@hookimpl
def nok_register_recorders() -> list[type[Recorder]]:
    return [WebcamRecorder, ScreenRecorder, NetworkCameraRecorder, SyntheticRecorder]


@hookimpl
def nok_template_dirs() -> list[Path]:
    return [TEMPLATES]


@hookimpl
def nok_static_dirs() -> dict[str, Path]:
    return {"video_capture": STATIC}


@hookimpl
def nok_cabinet_menu_items(cabinet: str) -> list[MenuItem] | None:
    items = []
    if cabinet in station_pages.CABINETS:
        items.append(MenuItem("Видеофиксация", station_pages.BASE, station_pages.ROLES))
    if cabinet in monitoring.CABINETS:
        items.append(MenuItem("Наблюдение", monitoring.LIVE, monitoring.ROLES))
    if cabinet in retention_pages.CABINETS:
        items.append(MenuItem("Хранение видеозаписей", retention_pages.BASE, retention_pages.ROLES))
    return items or None


@hookimpl
def nok_register_models() -> list:
    return list(MODELS)


@hookimpl
def nok_register_routes(app, services) -> None:
    for module in (station_api, station_pages, playback, monitoring, retention_pages):
        module.add_routes(app, services)


@hookimpl
def nok_register_cli_commands(group) -> None:
    station_cli.register(group)
    retention_cli.register(group)
    verify_cli.register(group)


@hookimpl
def nok_kiosk_signed_in(session, client_ip) -> None:
    binding.bind_station(session, client_ip)


@hookimpl
def nok_result_video(application) -> list[dict]:
    return result_video.result_video(application)
