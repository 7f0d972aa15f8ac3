"""`nok serve` keeps `nok federation sync` running beside the web server, so an appliance sends by itself.

`nok serve` replaces itself with gunicorn; gunicorn loads this module as its config
(``--config python:federation.companion``), so its master starts the worker when it starts
(`on_starting`) and stops it when it stops (`on_exit`): one service, one process tree. Should
the master be killed outright, the kernel sends the worker SIGTERM (``PR_SET_PDEATHSIG``), so
no orphan keeps sending. The worker gets the same config file (`NOK_CONFIG`, set by `nok serve`).
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

from core.config import CONFIG_ENV

_PR_SET_PDEATHSIG = 1
_children: list[subprocess.Popen] = []


def sync_argv(config_path: str) -> list[str]:
    return [sys.executable, "-m", "appliance.cli", "--config", str(config_path), "federation", "sync"]


def _prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: on_exit still stops the worker on a normal shutdown
        return None


def _die_with_parent(parent: int):
    """preexec_fn: SIGTERM to the child when the process that started it dies (Linux).

    The libc function is looked up before the fork, so the child only makes the one system call.
    """
    prctl = _prctl()

    def set_deathsig() -> None:
        if prctl is None:
            return
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return set_deathsig


def start_sync(config_path: str) -> subprocess.Popen:
    """Start `nok federation sync` for this config as a child of the calling process."""
    return subprocess.Popen(sync_argv(config_path), stdin=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent(os.getpid()))


def stop_sync(child: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM (the worker finishes its current bundle), SIGKILL if it does not end in `timeout` s."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


# --- gunicorn server hooks (this module is gunicorn's config) -----------------------------------

def on_starting(server) -> None:
    config_path = os.environ.get(CONFIG_ENV)
    if config_path:
        _children.append(start_sync(config_path))


def on_exit(server) -> None:
    while _children:
        stop_sync(_children.pop())
