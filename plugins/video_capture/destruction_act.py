"""«Акт об уничтожении персональных данных» with the event-log extract, as a PDF (WeasyPrint).

Приказ Роскомнадзора от 28.10.2022 № 179 asks of the act: the operator's name and address; who
the destroyed data were about (ФИО or other identifying information); the categories of data;
the information system they were destroyed from; the method; the reason; the date; the names,
positions and signatures of those who destroyed them — and, when the data were processed by
computer, an extract of the system's event log about them (subject, data, system, reason, date).
Both parts are laid out here from plain data built by `plugins.video_capture.destruction`.

The method is described as `BlobStore.delete` really works: the encrypted file's header, which
holds the file's wrapped data key, is overwritten and synced, then the file is unlinked.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import jinja2

from core.audit import AuditRecord
from core.documents import pdf
from core.services.kiosk import utc_to_local

TEMPLATES = Path(__file__).resolve().parent / "templates"
RECORDING_ENTITY = "video_capture_recording"  # audit entity_id = Recording.id (or its UUID)
SEGMENT_ENTITIES = ("video_segment", "video_capture_segment")  # entity_id = Segment.id
MEMBER_PAGE_ENTITY = "video_recordings"  # a candidate's recordings page viewed: entity_id = GroupMember.id
SYSTEM_NAME = "НОК-Платформа (устройство ЦОК), подсистема видеофиксации профессиональных экзаменов"
LEGAL_BASIS = ("ч. 7 ст. 5, ч. 4 и 7 ст. 21 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных»; "
               "Требования к подтверждению уничтожения персональных данных, утверждённые приказом Роскомнадзора "
               "от 28.10.2022 № 179; сроки хранения материалов профессионального экзамена — п. 3ж приказа "
               "Минтруда России № 759н и решение СПК о сроке хранения записей несданных экзаменов")
METHOD = ("удаление зашифрованных файлов видеозаписи (AES-256-GCM, у каждого файла свой ключ) из хранилища "
          "устройства: заголовок файла с ключом шифрования перезаписывается нулями и сохраняется на диск, затем "
          "файл удаляется; без ключа содержимое не расшифровать даже ключом устройства. Временные файлы незавершённых "
          "загрузок удаляются. Из базы данных удалены описания сегментов (хеши, подписи), подпись к записи "
          "заменена отметкой об уничтожении. Оговорка: на "
          "SSD-накопителях и файловых системах с копированием при записи прежние блоки могут физически "
          "сохраняться до их перезаписи")
ACTION_TITLES = {"create": "создание", "update": "изменение", "view": "просмотр", "upload": "загрузка сегмента",
                 "verify": "проверка целостности", "download": "скачивание", "destroy": "уничтожение",
                 "delete": "удаление", "video_segment_refused": "сегмент отклонён (подпись)",
                 "video_segment_conflict": "сегмент отклонён (другое содержимое)",
                 "video_segment_problem": "сегмент не прошёл проверку"}
CATEGORIES = {
    "room": "видеозапись экзаменационного зала: изображения соискателей группы",
    "webcam": "видеозапись с веб-камеры рабочего места: изображение соискателя; ФИО в подписи кадра",
    "screen": "видеозапись экрана рабочего места: ответы соискателя; ФИО в подписи кадра",
    "synthetic": "тестовая видеозапись; подпись кадра",
}
DEFAULT_CATEGORY = "видеозапись профессионального экзамена; подпись кадра"
_ENV = pdf.ENV.overlay(loader=jinja2.ChoiceLoader([pdf.ENV.loader, jinja2.FileSystemLoader(str(TEMPLATES))]))


@dataclass(frozen=True)
class ActLine:
    """One destroyed recording."""

    recording: int
    source: str  # «Веб-камера, Рабочее место 3»
    subject: str  # the candidate's ФИО or «камера зала»
    group: str  # «№ 12, 15.03.2026 10:00, теория»
    qualification: str
    exam_date: dt.date | None
    keep_until: dt.date
    reason: str
    categories: str
    segments: int
    size: int


@dataclass(frozen=True)
class LogLine:
    """One audit record about a destroyed recording."""

    seq: int
    at: dt.datetime  # the appliance's wall-clock time (audit stores UTC)
    actor: str
    action: str
    recording: str  # «2» or «2, 3» (a candidate's page shows all their recordings)
    details: str
    hash: str


@dataclass(frozen=True)
class ActData:
    number: str
    date: dt.date
    operator_name: str
    operator_details: str  # ИНН, ОГРН, address
    venue_name: str
    signer_position: str
    signer_name: str
    lines: list[ActLine]
    log: list[LogLine]

    @property
    def title(self) -> str:
        return f"Акт об уничтожении персональных данных № {self.number} от {self.date:%d.%m.%Y}"

    @property
    def segments(self) -> int:
        return sum(line.segments for line in self.lines)

    @property
    def size(self) -> int:
        return sum(line.size for line in self.lines)


def category(source: str, room: bool) -> str:
    return CATEGORIES["room"] if room else CATEGORIES.get(source, DEFAULT_CATEGORY)


def size_text(size: int) -> str:
    """«1,5 МБ» — a byte count the way the act prints it."""
    for unit, scale in (("ГБ", 1024 ** 3), ("МБ", 1024 ** 2), ("КБ", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".replace(".", ",") + f"\u00a0{unit}"
    return f"{size}\u00a0байт"


def _details(data: str) -> str:
    try:
        values = json.loads(data or "{}")
    except ValueError:
        return ""
    if not isinstance(values, dict):
        return ""
    text = "; ".join(f"{key}: {value}" for key, value in sorted(values.items()) if value not in (None, ""))
    return text if len(text) <= 160 else text[:159] + "…"


@dataclass(frozen=True)
class Subject:
    """A destroyed recording and the ids the audit log may name it by."""

    recording: int
    uuid: str
    member: int | None  # the candidate's GroupMember: views of their recordings page
    segments: tuple[int, ...]  # segment row ids (views, upload problems of one segment)


def audit_extract(subjects: list[Subject]) -> list[LogLine]:
    """Every audit record about these recordings, their segments and their candidates' recordings pages.

    Records name a recording by id or UUID (`RECORDING_ENTITY`: creation, changes, refused
    uploads, destruction), a segment by its row id (`SEGMENT_ENTITIES`: views, upload problems)
    or the candidate's page by the GroupMember id (`MEMBER_PAGE_ENTITY`).
    """
    by_recording: dict[str, set[int]] = {}
    by_segment: dict[str, set[int]] = {}
    by_member: dict[str, set[int]] = {}
    for s in subjects:
        for key in (str(s.recording), s.uuid):
            by_recording.setdefault(key, set()).add(s.recording)
        for seg in s.segments:
            by_segment.setdefault(str(seg), set()).add(s.recording)
        if s.member is not None:
            by_member.setdefault(str(s.member), set()).add(s.recording)
    if not subjects:
        return []
    where = (AuditRecord.entity == RECORDING_ENTITY) & AuditRecord.entity_id.in_(list(by_recording))
    if by_segment:
        where |= AuditRecord.entity.in_(SEGMENT_ENTITIES) & AuditRecord.entity_id.in_(list(by_segment))
    if by_member:
        where |= (AuditRecord.entity == MEMBER_PAGE_ENTITY) & AuditRecord.entity_id.in_(list(by_member))
    lines = []
    for r in AuditRecord.select().where(where).order_by(AuditRecord.seq):
        index = (by_recording if r.entity == RECORDING_ENTITY
                 else by_member if r.entity == MEMBER_PAGE_ENTITY else by_segment)
        recordings = ", ".join(str(n) for n in sorted(index[r.entity_id]))
        lines.append(LogLine(seq=r.seq, at=utc_to_local(r.at), actor=r.actor_label,
                             action=ACTION_TITLES.get(r.action, r.action), recording=recordings,
                             details=_details(r.data), hash=r.hash[:16]))
    return lines


def render_act_html(data: ActData) -> str:
    return _ENV.get_template("video_capture/destruction_act.html").render(
        title=data.title, author=data.operator_name, data=data, basis=LEGAL_BASIS, method=METHOD,
        system=SYSTEM_NAME, size_text=size_text)


def render_act_pdf(data: ActData) -> bytes:
    """The act as PDF: the shared print stylesheet, nothing loaded from outside (only `data:` URIs)."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    css = CSS(filename=str(pdf.TEMPLATE_DIR / "print.css"), url_fetcher=fetcher)
    return HTML(string=render_act_html(data), url_fetcher=fetcher).write_pdf(stylesheets=[css])
