"""Hook implementations of the video_capture plugin (entry point ``video_capture``)."""
from __future__ import annotations

import importlib
from pathlib import Path

from core.plugin_api import Recorder, hookimpl
from plugins.video_capture import binding, monitoring, playback, retention_cli, station_api, station_cli
from plugins.video_capture.models import MODELS
from plugins.video_capture.providers import (NetworkCameraRecorder, ScreenRecorder, SyntheticRecorder,
                                             WebcamRecorder)

TEMPLATES = Path(__file__).parent / "templates"

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
    return errors


@hookimpl
def nok_register_recorders() -> list[type[Recorder]]:
    return [WebcamRecorder, ScreenRecorder, NetworkCameraRecorder, SyntheticRecorder]


@hookimpl
def nok_template_dirs() -> list[Path]:
    return [TEMPLATES]


@hookimpl
def nok_register_models() -> list:
    return list(MODELS)


@hookimpl
def nok_register_routes(app, services) -> None:
    for module in (station_api, playback, monitoring):
        module.add_routes(app, services)


@hookimpl
def nok_register_cli_commands(group) -> None:
    station_cli.register(group)
    retention_cli.register(group)


@hookimpl
def nok_kiosk_signed_in(session, client_ip) -> None:
    binding.bind_station(session, client_ip)
