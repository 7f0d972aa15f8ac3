"""Provider base classes: one per kind of thing a plugin can contribute.

A plugin returns provider *classes* from its ``nok_register_*`` hooks (see
``core/hookspecs.py``). Each kind has one abstract base here whose docstring states the
rules every provider of that kind follows — what it may do, what it must never do and
which errors it raises — in the manner of pretix's ``BasePaymentProvider``.

Every provider class sets two class attributes:

- ``code`` — a latin identifier (``[a-z][a-z0-9_]*``), unique within its kind across all
  plugins; it is stored in the database, so it never changes once released;
- ``title`` — the Russian name shown to users.

Core instantiates a provider with its settings (a mapping, empty when the appliance has
none for it) and calls the abstract methods. The contract suite in
``tests/core/test_provider_contract.py`` runs against every provider of every kind.
"""
from __future__ import annotations

import abc
import datetime as dt
import inspect
import re
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Any, ClassVar, Mapping

from core.exceptions import ValidationError

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def not_yet_implemented(feature: str) -> NotImplementedError:
    """Build the error a built-in provider raises for a feature that is not written yet.

    Call sites ``raise`` it explicitly so unfinished code is easy to find and never
    pretends to work.
    """
    return NotImplementedError(f"{feature}: эта возможность появится в следующей версии НОК-Платформы.")


class Provider(abc.ABC):
    """Common part of every provider kind: identity and settings."""

    #: Latin identifier, unique within the kind; stored in the database.
    code: ClassVar[str]
    #: Russian name shown to users.
    title: ClassVar[str]

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self.settings: dict[str, Any] = dict(settings or {})

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self, 'code', '?')}>"


def contract_errors(cls: object, base: type[Provider]) -> list[str]:
    """Return in Russian every way ``cls`` breaks the provider contract of ``base``.

    An empty list means the class may be registered. Used by the plugin host for every
    class a plugin returns and by the contract test suite.
    """
    if not (isinstance(cls, type) and issubclass(cls, base)):
        return [f"{cls!r} не является подклассом {base.__name__}"]
    errors = []
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(getattr(cls, "__abstractmethods__", ())))
        errors.append(f"{cls.__name__}: не реализованы методы {missing}")
    code = getattr(cls, "code", None)
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        errors.append(f"{cls.__name__}: code={code!r} должен быть латинским идентификатором [a-z][a-z0-9_]*")
    title = getattr(cls, "title", None)
    if not isinstance(title, str) or not title.strip() or not _CYRILLIC.search(title):
        errors.append(f"{cls.__name__}: title={title!r} должен быть непустым названием на русском языке")
    return errors


# --- exam types ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExamScore:
    """Result of scoring one attempt: points out of a maximum and the pass decision."""

    points: Decimal
    max_points: Decimal
    passed: bool
    #: JSON-serialisable breakdown (per question or per criterion) kept for appeals.
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_points <= 0 or not (0 <= self.points <= self.max_points):
            raise ValueError(f"баллы {self.points} вне диапазона 0…{self.max_points}")


class ExamType(Provider):
    """Вид (этап) профессионального экзамена: how an attempt is built and scored.

    Rules for every exam type:

    - A provider computes; it does not store. It never writes to the database, the blob
      store or the network. Core saves the attempt, the responses and the score, changes
      the exam's status and writes the audit record.
    - ``build_attempt`` is deterministic: the same assessment tools and the same ``seed``
      give the same attempt, so a disputed result (апелляция) can be rebuilt exactly.
    - ``score`` is a pure function of the attempt and the responses. It never looks at
      who the candidate is and never uses the clock or randomness.
    - Malformed input (an unknown question, a criterion mark above its maximum) raises
      ``ValidationError`` with a Russian message; a provider never returns a partial or
      guessed score.
    - Everything a candidate or expert reads is in Russian.
    """

    #: Where a candidate signed in at the kiosk takes this stage, e.g. ``/p/theory_exam/take``
    #: (the kiosk in core redirects there after the access code); ``None``: nothing to take.
    candidate_path: ClassVar[str | None] = None
    #: Where experts and ЦОК staff look at an attempt: a format string with ``{attempt_id}``,
    #: e.g. ``/p/theory_exam/attempts/{attempt_id}``; ``None``: core shows only the score.
    review_path: ClassVar[str | None] = None
    #: The part of the КОС document this stage is built from (``theory``, ``practice``,
    #: ``portfolio``): core passes ``kos[kos_part]`` to ``build_attempt``.
    kos_part: ClassVar[str] = ""

    @abc.abstractmethod
    def build_attempt(self, assessment_tools: Mapping[str, Any], *, seed: int) -> dict[str, Any]:
        """Build the content of one attempt (вариант) for this stage.

        ``assessment_tools`` is this stage's part of the КОС (комплект оценочных
        средств) from the reference data, as a JSON-like mapping. ``seed`` is chosen by
        core and stored with the attempt. Return a JSON-serialisable dict; core stores it
        and passes it back unchanged to ``score``. Raise ``ValidationError`` when the КОС
        cannot produce an attempt (too few tasks, missing criteria).
        """

    @abc.abstractmethod
    def score(self, attempt: Mapping[str, Any], responses: Mapping[str, Any]) -> ExamScore:
        """Score one finished attempt.

        ``attempt`` is what ``build_attempt`` returned. ``responses`` holds the
        candidate's answers (theory) or the experts' marks per criterion (practice,
        portfolio), keyed by the ids used in the attempt.
        """


# --- recorders -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Frame:
    """One captured video frame, uncompressed."""

    data: bytes
    width: int
    height: int
    #: FFmpeg pixel format name of ``data``, e.g. ``"bgr24"`` (OpenCV) or ``"bgra"`` (mss).
    pixel_format: str
    #: Wall-clock time of capture, timezone-aware UTC: the evidence timeline.
    captured_at: dt.datetime

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"размер кадра {self.width}×{self.height} недопустим")
        if self.captured_at.tzinfo is None:
            raise ValueError("время кадра должно быть с часовым поясом (UTC)")


class Recorder(Provider):
    """Источник видеозаписи: one source of frames on an exam workstation or room camera.

    Rules for every recorder:

    - The lifecycle is ``open`` → ``read_frame`` … → ``close``. ``close`` is idempotent
      and is called even after ``open`` or ``read_frame`` failed; use the recorder as a
      context manager.
    - A recorder only captures. Cutting segments, encoding (H.264 MP4 or VP8/VP9 WebM
      for Chromium playback), signing and uploading belong to the station process.
    - Heavy libraries (``cv2``, ``mss``, ``av``) are imported inside ``open``, never at
      module import, so providers can be listed on a machine that lacks them; the plugin
      reports such gaps through ``nok_compatibility_errors``.
    - A missing, busy or disconnected device raises ``TransientError`` with a Russian
      message (the station retries); a wrong setting raises ``ConfigError``.
    - A recorder never drops or reorders frames silently and never alters their content
      (no filters, no overlays): the recording is evidence.
    """

    @abc.abstractmethod
    def open(self) -> None:
        """Acquire the device or stream described by ``self.settings``."""

    @abc.abstractmethod
    def read_frame(self) -> Frame | None:
        """Return the next frame, blocking until it is captured.

        ``None`` means the source has ended for good (a finite source such as the
        synthetic one); a live camera or screen never returns ``None``.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Release the device; safe to call more than once."""

    def __enter__(self) -> Recorder:
        self.open()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


# --- payment methods -------------------------------------------------------------------------

@dataclass(frozen=True)
class PaymentConfirmation:
    """Proof that a payment arrived, as core records it."""

    amount: Decimal
    paid_on: dt.date
    #: Payment order number (номер платёжного поручения) or who confirmed it by hand.
    reference: str
    payer: str | None = None


class PaymentMethod(Provider):
    """Способ оплаты: how a ЦОК confirms that the fee for an application was paid.

    Rules for every payment method:

    - ``confirm`` either returns a ``PaymentConfirmation`` or raises
      ``ValidationError`` with a Russian reason; it never returns "not paid" as a value.
    - The amount must match the payment to the kopeck; an overpayment or a partial
      payment is not confirmed, it is raised for a person to resolve.
    - A provider never changes the application's status and never writes to the
      database: core records the confirmation, moves the application on (which fires
      ``nok_application_status_changed``) and writes the audit record.
    - Confirming the same evidence twice gives the same result; core refuses a
      ``reference`` that already paid for another application.
    - A provider never sees or stores card data; money moves outside the platform.
    """

    @abc.abstractmethod
    def confirm(self, payment: object, evidence: Mapping[str, Any]) -> PaymentConfirmation:
        """Check ``evidence`` against the expected ``payment`` and confirm it.

        ``payment`` is the core payment record (read-only): at least ``amount``
        (``Decimal``) and ``purpose`` (назначение платежа, containing the application
        number). ``evidence`` is what the operator supplied: a form's fields for manual
        confirmation, the parsed statement entry for a bank statement.
        """


# --- export targets --------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportReceipt:
    """The target's acknowledgement of one exported document."""

    #: The document's id in the target system.
    external_id: str
    accepted_at: dt.datetime


class ExportTarget(Provider):
    """Получатель выгрузки: an external registry results are forwarded to (НАРК).

    Rules for every export target:

    - The central registry calls ``export`` from its outbox worker, one document at a
      time, after the СПК approved it; never from a web request.
    - ``export`` is idempotent on ``document_id``: sending an already accepted document
      again returns its receipt and creates no duplicate in the target.
    - An unreachable or slow target raises ``TransientError`` (the outbox retries on its
      schedule); a rejection of the data raises ``PermanentError`` (usually
      ``ValidationError``) with the target's reason in Russian and is not retried.
    - A provider never modifies the document or the database; core stores the receipt.
    - Credentials come from ``self.settings`` and never appear in logs or messages.
    """

    @abc.abstractmethod
    def export(self, kind: str, document_id: str, payload: Mapping[str, Any]) -> ExportReceipt:
        """Send one document to the target and return its receipt.

        ``kind`` names the document (``"protocol"``, ``"certificate"``…),
        ``document_id`` is its stable id in НОК-Платформа, ``payload`` its JSON-like
        content. Raise ``ValidationError`` for a kind the target does not accept.
        """

    def export_files(self, records: list[Mapping[str, Any]]) -> list[tuple[str, str, bytes]]:
        """The same records as files for a manual upload: ``[(filename, content_type, bytes)]``.

        ``records`` are the payloads ``export`` would get, each with ``"kind"`` and
        ``"document_id"`` added. A target without a file format raises ``ValidationError``.
        """
        raise ValidationError(f"«{self.title}» не формирует файлов выгрузки.")


#: Every provider kind: the base class and the hook that registers it.
PROVIDER_KINDS: dict[str, type[Provider]] = {
    "nok_register_exam_types": ExamType,
    "nok_register_recorders": Recorder,
    "nok_register_payment_methods": PaymentMethod,
    "nok_register_export_targets": ExportTarget,
}
