"""Russian for click's own messages («Использование:», «Ошибка: …», «Нет такой команды…»).

click looks its texts up through module-level gettext aliases (`_`, `ngettext`) and ships no
Russian catalogue, so `install_russian_click` swaps those aliases for a lookup in the tables
below. It must run before any command is built: `click.Path` translates «file»/«directory»
when it is constructed. `russian_metavars` does the same for the usage lines.
"""
from __future__ import annotations

import gettext
import importlib
import sys

import click

_RU_MESSAGES = {
    "Usage:": "Использование:",
    "Options": "Параметры",
    "Positional arguments": "Аргументы",
    "Commands": "Команды",
    "Show this message and exit.": "Показать эту справку и выйти.",
    "Show the version and exit.": "Показать версию и выйти.",
    "Error: {message}": "Ошибка: {message}",
    "Try '{command} {option}' for help.": "Справка: «{command} {option}».",
    "Aborted!": "Прервано.",
    "Missing command.": "Не указана команда.",
    "No such command {name!r}.": "Нет такой команды: «{name}».",
    "No such option {name!r}.": "Нет такого параметра: «{name}».",
    "Missing argument": "Не указан аргумент",
    "Missing option": "Не указан параметр",
    "Missing parameter": "Не указан параметр",
    "Missing parameter: {param_name}": "Не указан параметр: {param_name}",
    "Invalid value: {message}": "Неверное значение: {message}",
    "Invalid value for {param_hint}: {message}": "Неверное значение {param_hint}: {message}",
    "Option {name!r} does not take a value.": "Параметр «{name}» не принимает значения.",
    "{value!r} is not a valid {number_type}.": "«{value}» — не число.",
    "{value} is not in the range {range}.": "{value} вне допустимого диапазона {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "«{value}» — не логическое значение. Допустимо: {states}",
    "{name} {filename!r} does not exist.": "{name} «{filename}» не существует.",
    "{name} {filename!r} is a file.": "{name} «{filename}» — файл, а нужен каталог.",
    "{name} {filename!r} is a directory.": "{name} «{filename}» — каталог, а нужен файл.",
    "{name} {filename!r} is not readable.": "{name} «{filename}» недоступен для чтения.",
    "{name} {filename!r} is not writable.": "{name} «{filename}» недоступен для записи.",
    "file": "файл", "directory": "каталог", "path": "путь",
    "Could not open file {filename!r}: {message}": "Не удалось открыть файл «{filename}»: {message}",
    "Repeat for confirmation": "Повторите для подтверждения",
    "Error: The two entered values do not match.": "Ошибка: введённые значения не совпадают.",
    "Error: invalid input": "Ошибка: неверный ввод",
    "Do you want to continue?": "Продолжить?",
    "Confirm the action without prompting.": "Подтвердить действие без вопроса.",
    "default: {default}": "по умолчанию: {default}",
    "env var: {var}": "переменная окружения: {var}",
    "required": "обязательно",
    "Choose from:\n\t{choices}": "Выберите одно из:\n\t{choices}",
    "unknown error": "неизвестная ошибка",
}
_RU_PLURALS = {
    "Got unexpected extra argument ({args})": "Лишние аргументы: {args}",
    "Option {name!r} requires an argument.": "Параметру «{name}» нужно значение.",
    "{value!r} is not {choice}.": "«{value}» — недопустимое значение, возможно: {choice}.",
    "Did you mean {possibility}?": "Возможно, имелось в виду: {possibility}?",
    "Takes {nargs} values but 1 was given.": "Нужно значений: {nargs}, передано: {len}.",
}
_RU_PLURALS_MANY = {
    "{value!r} is not {choice}.": "«{value}» — недопустимое значение, возможно: {choices}.",
    "Did you mean {possibility}?": "Возможно, имелось в виду одно из: {possibilities}?",
    "Option {name!r} requires an argument.": "Параметру «{name}» нужно значений: {nargs}.",
}


def _ru_gettext(message: str) -> str:
    return _RU_MESSAGES.get(message, gettext.gettext(message))


def _ru_ngettext(singular: str, plural: str, n: int) -> str:
    if singular in _RU_PLURALS:
        return _RU_PLURALS[singular] if n == 1 else _RU_PLURALS_MANY.get(singular, _RU_PLURALS[singular])
    return gettext.ngettext(singular, plural, n)


def install_russian_click() -> None:
    """Make click speak Russian: it looks its messages up through module-level gettext aliases."""
    for name in ("core", "exceptions", "parser", "types", "termui", "formatting", "decorators"):
        module = sys.modules.get(f"click.{name}") or importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _ru_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ru_ngettext


def russian_metavars(command: click.Command) -> None:
    """«[ПАРАМЕТРЫ]» and «КОМАНДА [АРГУМЕНТЫ]...» in usage lines instead of click's English ones."""
    command.options_metavar = "[ПАРАМЕТРЫ]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "КОМАНДА [АРГУМЕНТЫ]..."
        for sub in command.commands.values():
            russian_metavars(sub)

