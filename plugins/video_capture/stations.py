"""Станции видеофиксации of a venue: adding them, enrolment codes, API tokens, the room camera's group.

The venue's staff (and the ЦОК's, for all its venues) add a station and hand out a one-time
enrolment code (shown once, valid 24 h, only its sha256 kept). The recorder process enrols with
the code and its Ed25519 public key and gets an API token (again only the hash is kept); a
revoked station's token stops working at once. The public key stays: it verifies the station's
recordings for as long as they are kept, which is also why a station that already recorded
cannot be re-enrolled with another key (the operator adds a new station instead).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import secrets

import peewee
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from core.db import write_transaction
from core.exceptions import (AuthenticationError, BlobTooLargeError, NotFoundError, PermissionDeniedError,
                             ValidationError)
from core.models import ExamGroup, OrgKind, Organisation, User
from core.security import new_token, token_hash
from core.services import catalog
from core.services.kiosk import utcnow
from core.services.scheduling import local_now
from plugins.video_capture.binding import is_running
from plugins.video_capture.models import ROOM, STATION_KINDS, WORKSTATION, LatestFrame, Recording, Station

ONLINE_WINDOW = dt.timedelta(seconds=30)
SEEN_EVERY = dt.timedelta(seconds=5)  # last_seen_at is written at most this often per station
ENROLMENT_TTL = dt.timedelta(hours=24)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4  # 32^12 = 2^60 codes
PAGE_SIZE = 50
MAX_FRAME_BYTES = 300 * 1024
JPEG_MAGIC = b"\xff\xd8\xff"
ENROL_ERROR = ("Код подключения не подходит: он введён с ошибкой, уже использован или истёк (код действует "
               "24 часа). Получите новый код на странице «Видеофиксация».")
TOKEN_ERROR = ("Станция не подключена: токен неверен или отозван. Подключите станцию заново кодом со страницы "
               "«Видеофиксация».")


class ConflictError(ValidationError):
    """The request contradicts what is stored (answered 409); `received` helps a resuming upload."""

    def __init__(self, message: str, field: str | None = None, *, received: int | None = None):
        super().__init__(message, field)
        self.received = received


# --- who sees which stations ----------------------------------------------------------------------

def staff_organisation(actor: User) -> Organisation:
    """The actor's venue or ЦОК; anyone else may not see stations."""
    if not actor.is_staff or not actor.organisation_id:
        raise PermissionDeniedError("Станции видеофиксации доступны сотрудникам площадок и ЦОК.")
    org = actor.organisation
    if org.kind not in (OrgKind.VENUE.value, OrgKind.COK.value):
        raise PermissionDeniedError("Станции видеофиксации доступны сотрудникам площадок и ЦОК.")
    return org


def _visible_venues(actor: User) -> peewee.Expression:
    org = staff_organisation(actor)
    if org.kind == OrgKind.VENUE.value:
        return Station.venue == org.id
    venues = Organisation.select(Organisation.id).where((Organisation.parent == org.id)
                                                        & (Organisation.kind == OrgKind.VENUE.value))
    return Station.venue.in_(venues)


def list_stations(actor: User, page: int = 1) -> tuple[list[Station], int]:
    """One page of the actor's stations (venue, then name) with their venue; and the total."""
    query = (Station.select(Station, Organisation).join(Organisation, on=Station.venue)
             .where(_visible_venues(actor)).order_by(Organisation.short_name, Station.name))
    return list(query.paginate(max(page, 1), PAGE_SIZE)), query.count()


def get_station(actor: User, station_id: int) -> Station:
    station = Station.select().where((Station.id == station_id) & _visible_venues(actor)).first()
    if station is None:
        raise NotFoundError("Станция не найдена.")
    return station


def venue_choices(actor: User) -> list[Organisation]:
    staff_organisation(actor)
    return catalog.schedule_venues(actor)


def is_online(station: Station, now: dt.datetime | None = None) -> bool:
    return station.last_seen_at is not None and (now or utcnow()) - station.last_seen_at <= ONLINE_WINDOW


# --- the operator's actions -----------------------------------------------------------------------

def _address(value: str, field: str = "address") -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ValidationError("Укажите IP-адрес компьютера станции, например 192.168.1.23.", field) from None


def create_station(actor: User, name: str, kind: str, address: str, venue_id: str) -> Station:
    """Add a station; the form's fields as typed."""
    venues = {str(v.id): v for v in venue_choices(actor)}
    venue = venues.get(venue_id) or (next(iter(venues.values())) if len(venues) == 1 and not venue_id else None)
    if venue is None:
        raise ValidationError("Выберите площадку.", "venue")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Укажите название станции, например «Рабочее место 3».", "name")
    if len(name) > 100:
        raise ValidationError("Название станции — не длиннее 100 знаков.", "name")
    if kind not in STATION_KINDS:
        raise ValidationError("Выберите вид станции.", "kind")
    ip = _address(address)
    with write_transaction():
        if Station.select().where((Station.venue == venue.id) & (Station.name == name)).exists():
            raise ValidationError(f"Станция «{name}» на этой площадке уже есть.", "name")
        if ip and kind == WORKSTATION:
            other = Station.get_or_none((Station.venue == venue.id) & (Station.kind == WORKSTATION)
                                        & (Station.address == ip))
            if other is not None:
                raise ValidationError(f"Этот адрес уже указан у станции «{other.name}».", "address")
        return Station.create(venue=venue.id, name=name, kind=kind, address=ip)


def _new_code() -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
                    for _ in range(CODE_GROUPS))


def normalise_code(code: str) -> str:
    """However it was typed: upper case, no spaces or dashes, then grouped again."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i:i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH))


def issue_code(actor: User, station: Station) -> tuple[str, dt.datetime]:
    """«Выдать код подключения»: a new one-time code (the previous one stops working); returns it
    and its expiry (UTC). Only the hash is stored, so the code is shown this once."""
    get_station(actor, station.id)
    code = _new_code()
    station.enrolment_code_hash = token_hash(code)
    station.enrolment_expires_at = utcnow() + ENROLMENT_TTL
    station.save()
    return code, station.enrolment_expires_at


def room_group_choices(station: Station) -> list[ExamGroup]:
    """Groups a room camera may film: today's groups of its venue whose time is not over."""
    today = local_now().replace(hour=0, minute=0, second=0)
    groups = (ExamGroup.select().where((ExamGroup.venue == station.venue_id) & (ExamGroup.starts_at >= today)
                                       & (ExamGroup.starts_at < today + dt.timedelta(days=1)))
              .order_by(ExamGroup.starts_at))
    return [g for g in groups if is_running(g)]


def set_room_group(actor: User, station: Station, group_id: str) -> Station:
    """Choose the group a room camera films ("" — none)."""
    get_station(actor, station.id)
    if station.kind != ROOM:
        raise ValidationError("Группу выбирают только для камеры зала: рабочее место узнаёт соискателя "
                              "при его входе по коду доступа.", "group")
    group = None
    if group_id:
        group = next((g for g in room_group_choices(station) if str(g.id) == group_id), None)
        if group is None:
            raise ValidationError("Выберите группу этой площадки, экзамен которой идёт сегодня.", "group")
    station.current_group = group.id if group else None
    station.save()
    return station


def revoke(actor: User, station: Station) -> Station:
    """«Отключить»: the token and any unused code stop working; the key stays for verification."""
    get_station(actor, station.id)
    station.token_hash = None
    station.enrolment_code_hash = None
    station.enrolment_expires_at = None
    station.current_member = None
    station.current_group = None
    station.save()
    return station


# --- the station's side ---------------------------------------------------------------------------

def _public_key(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError("Укажите открытый ключ станции (Ed25519, 64 шестнадцатеричных знака).", "public_key")
    value = value.strip().lower()
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(value))
    except ValueError:
        raise ValidationError("Открытый ключ станции должен быть ключом Ed25519: 64 шестнадцатеричных знака.",
                              "public_key") from None
    return value


def enrol(code: object, public_key: object, address: object, remote_ip: str | None) -> tuple[Station, str]:
    """Spend an enrolment code: the station gets its key recorded and a new API token (returned raw)."""
    if not isinstance(code, str) or not code.strip():
        raise AuthenticationError(ENROL_ERROR)
    key = _public_key(public_key)
    ip = _address(address, "address") if isinstance(address, str) else None
    now = utcnow()
    with write_transaction():
        station = Station.get_or_none((Station.enrolment_code_hash == token_hash(normalise_code(code)))
                                      & (Station.enrolment_expires_at > now))
        if station is None:
            raise AuthenticationError(ENROL_ERROR)
        if station.public_key and station.public_key != key and \
                Recording.select().where(Recording.station == station.id).exists():
            raise ConflictError("У станции уже есть записи, подписанные прежним ключом: с новым ключом её "
                                "подключить нельзя. Добавьте на странице «Видеофиксация» новую станцию.")
        token = new_token()
        station.public_key = key
        station.token_hash = token_hash(token)
        station.enrolment_code_hash = None
        station.enrolment_expires_at = None
        station.enrolled_at = now
        station.last_seen_at = now
        station.address = ip or station.address or (_address(remote_ip or "") if remote_ip else None)
        station.save()
    return station, token


def authenticate(authorization: str | None) -> Station:
    """The station of an ``Authorization: Bearer <token>`` header, else `AuthenticationError`."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise AuthenticationError(TOKEN_ERROR)
    station = Station.get_or_none(Station.token_hash == token_hash(token))
    if station is None:
        raise AuthenticationError(TOKEN_ERROR)
    return station


def seen(station: Station, now: dt.datetime | None = None) -> None:
    """Note the station is alive: one unaudited UPDATE at most every few seconds (relaxed commit)."""
    now = now or utcnow()
    if station.last_seen_at is not None and now - station.last_seen_at < SEEN_EVERY:
        return
    with write_transaction(relaxed=True):
        Station.update(last_seen_at=now).where(Station.id == station.id).execute()
    station.last_seen_at = now


def store_frame(station: Station, jpeg: bytes) -> None:
    """The latest still for live monitoring (one row per station, overwritten)."""
    if len(jpeg) > MAX_FRAME_BYTES:
        raise BlobTooLargeError(f"Кадр больше {MAX_FRAME_BYTES // 1024} КБ.")
    if not jpeg.startswith(JPEG_MAGIC):
        raise ValidationError("Кадр должен быть изображением JPEG.")
    with write_transaction(relaxed=True):
        (LatestFrame.insert(station=station.id, jpeg=jpeg, captured_at=utcnow())
         .on_conflict(conflict_target=[LatestFrame.station],
                      update={LatestFrame.jpeg: jpeg, LatestFrame.captured_at: utcnow()})
         .execute())
