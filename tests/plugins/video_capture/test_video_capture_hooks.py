"""The video_capture plugin: its recorders, and staying inactive without opencv, mss and av."""
from __future__ import annotations

import sys
import types

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
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))


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


@pytest.mark.parametrize("recorder", [WebcamRecorder, ScreenRecorder, NetworkCameraRecorder, SyntheticRecorder])
def test_unfinished_recorders_say_so(recorder):
    with pytest.raises(NotImplementedError, match="следующей версии"):
        with recorder():
            pass
    for method in ("read_frame", "close"):
        with pytest.raises(NotImplementedError, match="следующей версии"):
            getattr(recorder(), method)()
