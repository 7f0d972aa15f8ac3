"""Demo organisations, people and qualifications shared by `nok demo` (appliance) and `nok central demo`.

Everything is fictional but realistic: organisation names, addresses, heads and signers read
like the real ones in the seeds, and every requisite (ИНН, КПП, ОГРН, БИК, расчётный и
корреспондентский счёт) carries a correct check digit, computed here from the official
algorithms and checked once more with `core.validators` at load time. The appliance and the
registry load the same СПК, ЦОК and qualifications, so a demo result sent by the one is matched
by ИНН and qualification code in the other.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core.exceptions import ValidationError
from core.models import OrgKind, Role
from core.validators import (validate_bik, validate_correspondent_account, validate_email, validate_inn,
                             validate_kpp, validate_ogrn, validate_phone, validate_settlement_account)

# --- check digits ------------------------------------------------------------------------------
# Independent implementations of the official algorithms; `core.validators` re-checks the result.

def inn10(first_nine: str) -> str:
    """ИНН организации: 9 digits + check digit (weights 2 4 10 3 5 9 4 6 8, mod 11, mod 10)."""
    assert len(first_nine) == 9 and first_nine.isdigit()
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(int(d) * w for d, w in zip(first_nine, weights)) % 11 % 10
    return first_nine + str(check)


def ogrn13(first_twelve: str) -> str:
    """ОГРН: 12 digits + (the number mod 11) mod 10."""
    assert len(first_twelve) == 12 and first_twelve.isdigit()
    return first_twelve + str(int(first_twelve) % 11 % 10)


def _account_with_key(prefix3: str, account: str) -> str:
    """Put the control key (9th digit) into a 20-digit account: weights 7 1 3 over 23 digits."""
    assert len(account) == 20 and account.isdigit()
    weights = (7, 1, 3) * 8
    blank = account[:8] + "0" + account[9:]
    total = sum(int(d) * w for d, w in zip(prefix3 + blank, weights))
    key = (total % 10) * 3 % 10
    return account[:8] + str(key) + account[9:]


def settlement_account(bik: str, balance: str, branch_and_number: str) -> str:
    """Расчётный счёт: balance account (5 digits) + currency 810 + key + 11 digits, keyed by the БИК."""
    return _account_with_key(bik[-3:], f"{balance}810" + "0" + branch_and_number)


def correspondent_account(bik: str) -> str:
    """Корреспондентский счёт of a bank: 30101 810 key 0000000 0 + last 3 digits of the БИК."""
    return _account_with_key("0" + bik[4:6], "30101810" + "0" + "00000000" + bik[-3:])


# --- the data ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bank:
    name: str
    bik: str

    @property
    def corr_account(self) -> str:
        return correspondent_account(self.bik)


SBER_MOSCOW = Bank("ПАО Сбербанк, г. Москва", "044525225")
SBER_URAL = Bank("Уральский банк ПАО Сбербанк, г. Екатеринбург", "046577674")
ALFA_EKB = Bank("Филиал «Екатеринбургский» АО «Альфа-Банк», г. Екатеринбург", "046577964")


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    role: Role
    position: str = ""
    phone: str = ""


@dataclass
class OrgSpec:
    key: str
    kind: OrgKind
    parent: str | None
    fields: dict
    staff: list[Person] = field(default_factory=list)


def _legal_requisites(inn9: str, kpp: str, ogrn12: str, bank: Bank | None = None,
                      balance: str = "40702", account_tail: str = "") -> dict:
    values = {"inn": inn10(inn9), "kpp": kpp, "ogrn": ogrn13(ogrn12)}
    if bank is not None:
        values.update(bank_name=bank.name, bik=bank.bik, corr_account=bank.corr_account,
                      settlement_account=settlement_account(bank.bik, balance, account_tail))
    return values


def _preamble(full_name: str, short_name: str, named: str, position_genitive: str, head_genitive: str,
              acting: str) -> str:
    """«… именуемое в дальнейшем «Исполнитель», в лице …, действующего на основании Устава, с одной стороны»."""
    return (f"{full_name} ({short_name}), {named} в дальнейшем «Исполнитель», в лице "
            f"{position_genitive} {head_genitive}, {acting} на основании Устава, с одной стороны")


_COK1_FULL = "Общество с ограниченной ответственностью «Центр оценки квалификаций «Охрана труда»"
_COK1_SHORT = "ООО «ЦОК «Охрана труда»"
_COK2_FULL = "Автономная некоммерческая организация «Уральский центр оценки квалификаций»"
_COK2_SHORT = "АНО «Уральский ЦОК»"

ORGANISATIONS: list[OrgSpec] = [
    OrgSpec("spk", OrgKind.SPK, None, {
        "full_name": "Совет по профессиональным квалификациям в области безопасности труда, "
                     "социальной защиты и занятости населения",
        "short_name": "СПК безопасности труда",
        **_legal_requisites("770904312", "770901001", "109774612345"),
        "phone": "+7 (495) 221-40-17", "email": "spk@spk.demo.nok",
        "legal_address": "105064, г. Москва, ул. Земляной Вал, д. 9, офис 512",
        "actual_same_as_legal": True,
        "head_name": "Кузнецов Андрей Викторович", "head_position": "Председатель Совета",
        "chair_name": "Кузнецов Андрей Викторович", "secretary_name": "Белова Ирина Николаевна",
        "voting_members": "Кузнецов Андрей Викторович\nЛарионова Светлана Петровна\nМаслов Геннадий Юрьевич\n"
                          "Тимофеев Роман Александрович\nЯковлева Галина Сергеевна",
        "contact_name": "Белова Ирина Николаевна",
    }, [
        Person("admin@spk.demo.nok", "Белова Ирина Николаевна", Role.ADMIN, "Ответственный секретарь СПК",
               "+7 (495) 221-40-18"),
        Person("operator@spk.demo.nok", "Соколов Дмитрий Андреевич", Role.OPERATOR, "Ведущий специалист",
               "+7 (495) 221-40-19"),
        Person("expert1@spk.demo.nok", "Григорьев Виктор Степанович", Role.EXPERT,
               "Эксперт по оценке квалификаций", "+7 (916) 402-17-33"),
        Person("expert2@spk.demo.nok", "Тихонова Людмила Аркадьевна", Role.EXPERT,
               "Эксперт по оценке квалификаций", "+7 (922) 615-08-41"),
    ]),
    OrgSpec("cok1", OrgKind.COK, "spk", {
        "full_name": _COK1_FULL, "short_name": _COK1_SHORT, "registry_number": "77.031",
        **_legal_requisites("772241583", "772201001", "117774631845", SBER_MOSCOW, "40702", "38000012345"),
        "phone": "+7 (495) 640-25-70", "email": "info@cok1.demo.nok",
        "legal_address": "109147, г. Москва, ул. Марксистская, д. 22, стр. 1, офис 410",
        "actual_same_as_legal": True,
        "head_name": "Петров Сергей Николаевич", "head_position": "Генеральный директор",
        "authority_document": "Устав", "accountant_name": "Кириллова Вера Михайловна",
        "contact_name": "Морозова Елена Александровна",
        "signer_name": "Петров Сергей Николаевич", "signer_position": "Генеральный директор",
        "contract_preamble": _preamble(_COK1_FULL, _COK1_SHORT, "именуемое", "генерального директора",
                                       "Петрова Сергея Николаевича", "действующего"),
    }, [
        Person("admin@cok1.demo.nok", "Морозова Елена Александровна", Role.ADMIN, "Руководитель ЦОК",
               "+7 (495) 640-25-71"),
        Person("operator@cok1.demo.nok", "Васильев Максим Игоревич", Role.OPERATOR, "Специалист по оценке",
               "+7 (495) 640-25-72"),
    ]),
    OrgSpec("cok2", OrgKind.COK, "spk", {
        "full_name": _COK2_FULL, "short_name": _COK2_SHORT, "registry_number": "66.014",
        **_legal_requisites("667102738", "667101001", "119665802731", SBER_URAL, "40703", "16540098765"),
        "phone": "+7 (343) 287-14-60", "email": "info@cok2.demo.nok",
        "legal_address": "620014, г. Екатеринбург, ул. Малышева, д. 51, офис 1204",
        "actual_address": "620014, г. Екатеринбург, ул. Малышева, д. 51, офисы 1204–1206",
        "head_name": "Зайцева Ольга Викторовна", "head_position": "Директор",
        "authority_document": "Устав", "accountant_name": "Гусева Лариса Анатольевна",
        "contact_name": "Зайцева Ольга Викторовна",
        "signer_name": "Зайцева Ольга Викторовна", "signer_position": "Директор",
        "contract_preamble": _preamble(_COK2_FULL, _COK2_SHORT, "именуемая", "директора",
                                       "Зайцевой Ольги Викторовны", "действующей"),
    }, [
        Person("admin@cok2.demo.nok", "Зайцева Ольга Викторовна", Role.ADMIN, "Директор", "+7 (343) 287-14-61"),
        Person("operator@cok2.demo.nok", "Лебедев Артём Сергеевич", Role.OPERATOR, "Специалист по оценке",
               "+7 (343) 287-14-62"),
    ]),
    # A venue run by the ЦОК itself: a separate subdivision with the ЦОК's ИНН and its own КПП.
    OrgSpec("venue1", OrgKind.VENUE, "cok1", {
        "full_name": "Экзаменационный центр ООО «ЦОК «Охрана труда» на Нижегородской улице",
        "short_name": "ЭЦ «Нижегородская»",
        "inn": inn10("772241583"), "kpp": "772243001",
        "phone": "+7 (495) 640-25-80", "email": "ec1@cok1.demo.nok",
        "legal_address": "109052, г. Москва, Нижегородская ул., д. 32, корп. 4",
        "actual_same_as_legal": True,
        "head_name": "Козлов Павел Андреевич", "head_position": "Руководитель экзаменационного центра",
        "contact_name": "Новикова Анастасия Дмитриевна",
    }, [
        Person("admin@venue1.demo.nok", "Козлов Павел Андреевич", Role.ADMIN,
               "Руководитель экзаменационного центра", "+7 (495) 640-25-81"),
        Person("operator@venue1.demo.nok", "Новикова Анастасия Дмитриевна", Role.OPERATOR,
               "Технический эксперт", "+7 (495) 640-25-82"),
    ]),
    # A partner venue: a separate legal entity under contract with the ЦОК.
    OrgSpec("venue2", OrgKind.VENUE, "cok1", {
        "full_name": "Автономная некоммерческая организация дополнительного профессионального образования "
                     "«Учебный центр «Профессионал»",
        "short_name": "АНО ДПО «УЦ «Профессионал»",
        **_legal_requisites("503619847", "503601001", "115507404172", SBER_MOSCOW, "40703", "40000054321"),
        "phone": "+7 (4967) 55-31-20", "email": "ec@venue2.demo.nok",
        "legal_address": "142100, Московская область, г. Подольск, ул. Кирова, д. 48",
        "actual_same_as_legal": True,
        "head_name": "Смирнов Алексей Владимирович", "head_position": "Директор",
        "authority_document": "Устав", "contact_name": "Фёдорова Мария Павловна",
    }, [
        Person("admin@venue2.demo.nok", "Смирнов Алексей Владимирович", Role.ADMIN, "Директор",
               "+7 (4967) 55-31-21"),
        Person("operator@venue2.demo.nok", "Фёдорова Мария Павловна", Role.OPERATOR, "Методист",
               "+7 (4967) 55-31-22"),
    ]),
    OrgSpec("venue3", OrgKind.VENUE, "cok2", {
        "full_name": "Экзаменационный центр АНО «Уральский центр оценки квалификаций» в г. Нижний Тагил",
        "short_name": "ЭЦ «Нижний Тагил»",
        "inn": inn10("667102738"), "kpp": "662343001",
        "phone": "+7 (3435) 41-27-90", "email": "ec@venue3.demo.nok",
        "legal_address": "622001, Свердловская область, г. Нижний Тагил, пр-кт Ленина, д. 15",
        "actual_same_as_legal": True,
        "head_name": "Попов Игорь Валерьевич", "head_position": "Руководитель экзаменационного центра",
        "contact_name": "Егорова Татьяна Михайловна",
    }, [
        Person("admin@venue3.demo.nok", "Попов Игорь Валерьевич", Role.ADMIN,
               "Руководитель экзаменационного центра", "+7 (3435) 41-27-91"),
        Person("operator@venue3.demo.nok", "Егорова Татьяна Михайловна", Role.OPERATOR, "Технический эксперт",
               "+7 (3435) 41-27-92"),
    ]),
    OrgSpec("employer", OrgKind.EMPLOYER, None, {
        "full_name": "Общество с ограниченной ответственностью «УралСтройМонтаж»",
        "short_name": "ООО «УралСтройМонтаж»",
        **_legal_requisites("665805193", "665801001", "120665804518", ALFA_EKB, "40702", "09100077001"),
        "phone": "+7 (343) 310-52-00", "email": "office@employer.demo.nok",
        "legal_address": "620075, г. Екатеринбург, ул. Бажова, д. 79, офис 7",
        "actual_address": "620102, г. Екатеринбург, ул. Посадская, д. 21",
        "head_name": "Волков Николай Петрович", "head_position": "Генеральный директор",
        "authority_document": "Устав", "accountant_name": "Медведева Оксана Игоревна",
        "hr_head_name": "Сергеева Наталья Владимировна", "contact_name": "Сергеева Наталья Владимировна",
        "signer_name": "Волков Николай Петрович", "signer_position": "Генеральный директор",
    }, [
        Person("admin@employer.demo.nok", "Сергеева Наталья Владимировна", Role.ADMIN,
               "Начальник отдела кадров", "+7 (343) 310-52-01"),
        Person("operator@employer.demo.nok", "Орлов Кирилл Евгеньевич", Role.OPERATOR,
               "Специалист по кадрам", "+7 (343) 310-52-02"),
    ]),
]

APPLICANTS: list[Person] = [
    Person("applicant1@demo.nok", "Николаев Денис Олегович", Role.APPLICANT, phone="+7 (912) 604-33-18"),
    Person("applicant2@demo.nok", "Павлова Ксения Андреевна", Role.APPLICANT, phone="+7 (903) 118-72-45"),
]

PROF_STANDARDS = [
    ("40.054", "Специалист в области охраны труда",
     "приказ Минтруда России от 22.04.2021 № 274н", [
         ("40.05400.01", "Специалист по охране труда", 6),
         ("40.05400.02", "Специалист по охране труда", 7),
     ]),
    ("40.002", "Сварщик", "приказ Минтруда России от 28.11.2013 № 701н", [
        ("40.00200.01", "Сварщик ручной дуговой сварки плавящимся покрытым электродом", 3),
        ("40.00200.02", "Сварщик ручной дуговой сварки плавящимся покрытым электродом", 4),
    ]),
]


# --- checks ------------------------------------------------------------------------------------

def check_requisites(values: dict, where: str) -> None:
    """Run every requisite present in `values` through `core.validators`; fail loudly on any error."""
    try:
        if values.get("inn"):
            validate_inn(values["inn"], kind="legal")
        if values.get("kpp"):
            validate_kpp(values["kpp"])
        if values.get("ogrn"):
            validate_ogrn(values["ogrn"], kind="legal")
        if values.get("bik"):
            validate_bik(values["bik"])
            validate_settlement_account(values["settlement_account"], values["bik"])
            validate_correspondent_account(values["corr_account"], values["bik"])
        if values.get("phone"):
            validate_phone(values["phone"])
        if values.get("email"):
            validate_email(values["email"])
    except ValidationError as ex:
        raise ValidationError(f"Ошибка в демо-данных ({where}): {ex}") from ex


# What each ЦОК offers and charges (рубли), and when its venues hold exams.
DEMO_PRICES = {"40.05400.01": "12500.00", "40.05400.02": "14500.00", "40.00200.01": "18000.00",
               "40.00200.02": "21000.00"}
