"""Reading untrusted XML and zip packages for the КОС importers without the classic traps.

* XML goes through expat directly with every DTD refused at its first byte: no entity
  expansion (billion laughs), no external entities (file or network reads). Nothing in QTI or
  Moodle XML needs a DTD. The stdlib `ElementTree` parser does not let us refuse DTDs, and
  defusedxml is not installed, hence this small tree builder.
* Text must be in the declared encoding (UTF-8 when none): a file saved as Windows-1251
  without saying so is refused with a Russian hint instead of a cryptic «invalid token».
* Zip members are checked before anything is read: no absolute paths or «..», no encrypted
  or oversized members, a bounded number and total size (zip bombs).
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from html.parser import HTMLParser
from xml.etree import ElementTree as ET
from xml.parsers import expat

from core.kos.checks import fail

MIB = 1024 * 1024
MAX_MEMBER_BYTES = 10 * MIB
MAX_TOTAL_BYTES = 100 * MIB
MAX_MEMBERS = 5000
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_UTF8 = {"utf-8", "utf8"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote"}


class _Refused(Exception):
    """Raised from an expat handler to stop parsing at a DTD."""


def local(tag: str) -> str:
    """The tag or attribute name without its namespace: QTI 2.1 and 2.2 packages alike."""
    return tag.rsplit("}", 1)[-1]


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local(child.tag) == name]


def child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if local(c.tag) == name), None)


def descendants(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if local(e.tag) == name]


def check_encoding(data: bytes, name: str) -> None:
    """Refuse bytes that are not valid in the declared encoding (UTF-8 when nothing is declared)."""
    match = _DECLARED.match(data[:200])
    declared = match.group(1).decode("ascii").lower() if match else "utf-8"
    try:
        data.decode("utf-8-sig" if declared in _UTF8 else declared)
    except LookupError:
        raise fail(name, f"неизвестная кодировка «{declared}» в заголовке XML: сохраните файл в UTF-8") from None
    except UnicodeDecodeError as ex:
        line = data[:ex.start].count(b"\n") + 1
        raise fail(name, f"текст не в кодировке {declared.upper()} (ошибка в строке {line}): сохраните файл в "
                         "кодировке UTF-8 или укажите настоящую кодировку в заголовке XML") from None


def parse_xml(data: bytes, name: str) -> ET.Element:
    """Parse untrusted XML into an ElementTree element; `name` names the file in messages."""
    check_encoding(data, name)
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*_args):
        raise _Refused()

    def qualified(tag: str) -> str:
        return "{" + tag if "}" in tag else tag

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = lambda tag, attrs: builder.start(
        qualified(tag), {qualified(k): v for k, v in attrs.items()})
    parser.EndElementHandler = lambda tag: builder.end(qualified(tag))
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except _Refused:
        raise fail(name, "в XML есть объявление DTD (<!DOCTYPE …>) или сущностей (<!ENTITY …>): такие файлы не "
                         "принимаются из соображений безопасности — удалите DTD из файла") from None
    except expat.ExpatError as ex:
        reason = expat.errors.messages.get(ex.code, "") if ex.code else ""
        hint = " (незакрытый или лишний тег)" if "mismatched" in reason or "unclosed" in reason else ""
        raise fail(name, f"файл не является корректным XML: ошибка в строке {ex.lineno}, позиции {ex.offset + 1}"
                         f"{hint}") from None
    return builder.close()


def element_text(element: ET.Element | None) -> str:
    """All text inside an element with whitespace collapsed (XHTML markup of QTI stripped)."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_text(markup: str) -> str:
    """Plain text of an HTML fragment (Moodle keeps question texts as HTML): paragraphs become lines."""
    parser = _HtmlText()
    parser.feed(markup or "")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


# --- zip packages -------------------------------------------------------------------------------

def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """Open a zip and check every member's name and size before anything is extracted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise fail(name, "zip-архив повреждён и не открывается: сохраните пакет заново и загрузите снова") from None
    if len(infos) > MAX_MEMBERS:
        raise fail(name, f"в архиве больше {MAX_MEMBERS} файлов")
    total = 0
    for info in infos:
        member = info.filename
        parts = member.replace("\\", "/").split("/")
        if member.startswith(("/", "\\")) or "\\" in member or ".." in parts or re.match(r"^[A-Za-z]:", member):
            raise fail(name, f"недопустимое имя файла в архиве «{member}»: абсолютные пути и «..» запрещены")
        if info.flag_bits & 0x1:
            raise fail(name, f"файл «{member}» в архиве зашифрован: снимите пароль с архива")
        if info.file_size > MAX_MEMBER_BYTES:
            raise fail(name, f"файл «{member}» в архиве слишком большой: {info.file_size // MIB} МБ в распакованном "
                             f"виде (допустимо до {MAX_MEMBER_BYTES // MIB} МБ)")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise fail(name, f"архив слишком большой в распакованном виде (больше {MAX_TOTAL_BYTES // MIB} МБ)")
    return archive


def read_member(archive: zipfile.ZipFile, member: str, name: str) -> bytes:
    """One member's bytes, never more than the limit even if its header lies about the size."""
    try:
        with archive.open(member) as stream:
            data = stream.read(MAX_MEMBER_BYTES + 1)
    except KeyError:
        raise fail(name, f"в архиве нет файла «{member}»") from None
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
        raise fail(name, f"файл «{member}» в архиве повреждён") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise fail(name, f"файл «{member}» в архиве слишком большой")
    return data


def join_href(base_file: str, href: str, name: str) -> str:
    """A package-relative path of `href` written in `base_file`; refuses escapes from the package."""
    if not href or href.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", href):
        raise fail(name, f"ссылка «{href}» должна быть относительным путём внутри пакета")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_file), href.split("#", 1)[0]))
    if joined.startswith("../") or joined == "..":
        raise fail(name, f"ссылка «{href}» ведёт за пределы пакета")
    return joined

