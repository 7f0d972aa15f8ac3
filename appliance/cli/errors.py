"""Errors of `nok`: one Russian line «Ошибка: …» on stderr and exit code 1, never a traceback.

`russian_errors` wraps every command run by the `nok` group: an error of our code
(`NokError`), an OS error (no rights, no space, port in use …) and a locked database all
become a `CliError`. Anything else is a bug and keeps its traceback.
"""
from __future__ import annotations

import errno
from contextlib import contextmanager
from typing import Iterator

import click
import peewee

from core.cli_kit import CliError
from core.exceptions import NokError

_OS_ERRORS = {
    errno.EACCES: "нет прав доступа",
    errno.EPERM: "операция не разрешена",
    errno.ENOENT: "файл или каталог не найден",
    errno.ENOSPC: "нет места на диске",
    errno.EROFS: "файловая система только для чтения",
    errno.EEXIST: "файл уже существует",
    errno.EADDRINUSE: "адрес уже занят",
}


def os_error_message(ex: OSError) -> str:
    reason = _OS_ERRORS.get(ex.errno or -1, ex.strerror or str(ex))
    return f"{reason}: {ex.filename}" if ex.filename else reason


@contextmanager
def russian_errors() -> Iterator[None]:
    """Turn the errors a user can meet into a `CliError`; let a bug keep its traceback."""
    try:
        yield
    except NokError as ex:
        raise CliError(str(ex)) from None
    except OSError as ex:
        raise CliError(os_error_message(ex)) from None
    except peewee.OperationalError as ex:
        if "locked" in str(ex) or "busy" in str(ex):
            raise CliError("База данных занята другим процессом; повторите команду чуть позже.") from None
        raise
