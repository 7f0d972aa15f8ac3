"""The video_capture plugin: its recorders, and staying inactive without opencv, mss and av."""
from __future__ import annotations

import sys
import types

import click
import pytest

from core.plugins import BUILTIN_PLUGINS, PluginHost
from plugins.video_capture import hooks
from plugins.video_capture.providers import (NetworkCameraRecorder, ScreenRecorder, SyntheticRecorder,
                                             WebcamRecorder)

MODULES = ("cv2", "mss", "av")


def load() -> PluginHost:
    return PluginHost.with_plugins({"video_capture": BUILTIN_PLUGINS["video_capture"]})


@pytest.fixture
def with_packages(monkeypatch):
    """Pretend the capture packages are installed (stand-in modules), whatever this machine has."""
    for name in MODULES:
        stand_in = types.ModuleType(name)
        if name == "av":  # with a VP8 encoder
            stand_in.codec = types.SimpleNamespace(Codec=lambda codec, mode="r": codec)
        monkeypatch.setitem(sys.modules, name, stand_in)


@pytest.fixture
def without_packages(monkeypatch):
    """Pretend none of the capture packages is installed."""
    for name in MODULES:
        monkeypatch.setitem(sys.modules, name, None)


def test_inactive_without_packages_says_which(without_packages):
    host = load()
    (status,) = host.status()
    assert status.enabled and not status.active
    for package in ("opencv-python", "mss", "av"):
        assert f"не установлен пакет {package}" in status.reason
    assert host.recorders() == {}


def test_reports_only_the_missing_package(with_packages, monkeypatch):
    monkeypatch.setitem(sys.modules, "av", None)
    assert hooks.nok_compatibility_errors() == [
        "не установлен пакет av (модуль av), нужен для: кодирование видео в H.264 и WebM"]


def test_active_with_packages_registers_recorders(with_packages):
    host = load()
    assert host.is_active("video_capture")
    assert host.recorders() == {"webcam": WebcamRecorder, "screen": ScreenRecorder,
                                "network_camera": NetworkCameraRecorder, "synthetic": SyntheticRecorder}
    assert [cls.title for cls in host.recorders().values()] == [
        "Веб-камера", "Экран", "IP-камера", "Синтетический источник (для тестов)"]
    (folder,) = host.template_dirs()
    assert (folder / "video_capture").is_dir()


@pytest.mark.parametrize("recorder, settings", [(WebcamRecorder, {}), (ScreenRecorder, {}),
                                                (NetworkCameraRecorder, {"url": "rtsp://camera/stream"}),
                                                (SyntheticRecorder, {})])
def test_recorders_import_capture_libraries_only_when_opened(recorder, settings, without_packages):
    """Listing providers needs none of cv2, mss, av; opening one without its library says which."""
    source = recorder(settings)
    with pytest.raises(ImportError, match="cv2|mss"):
        source.open()
    source.close()
    source.close()  # idempotent, also after a failed open


def test_cli_adds_the_station_commands_without_capture_packages(without_packages):
    group = click.Group("nok")
    hooks.nok_register_cli_commands(group)
    assert {"init", "enrol", "record", "upload", "status"} <= set(group.commands["station"].commands)


def test_without_the_vp8_encoder_the_plugin_says_so(monkeypatch):
    import av

    from plugins.video_capture import hooks

    assert hooks.codec_errors() == []

    def no_codec(name, mode="r"):
        raise av.codec.codec.UnknownCodecError(name)

    monkeypatch.setattr(av.codec, "Codec", no_codec)
    (message,) = hooks.nok_compatibility_errors()
    assert "нет кодировщика VP8" in message
