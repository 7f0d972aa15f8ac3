"""Menus of each cabinet (seed 002 «Базовые процессы», seeds 003/004 for employer and applicant).

Sections whose business flows arrive in later releases show a page saying what they will do.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from core.models import Cabinet, Role


@dataclass(frozen=True)
class Section:
    """One menu entry of a cabinet."""

    slug: str
    title: str
    about: str
    admin_only: bool = False
    ready: bool = False


STAFF = Section("staff", "Сотрудники", "Создание, изменение и удаление учётных записей сотрудников организации.",
                admin_only=True, ready=True)
EXPERTS = Section("experts", "Эксперты", "База экспертов СПК: квалификации, даты свидетельств эксперта, протокол.")
QUALIFICATIONS = Section("qualifications", "Квалификации",
                         "Квалификации, статус выгрузки КОС, стоимость и расписание экзаменов.")
PROFILE = Section("profile", "Ваш профиль",
                  "Контакты, реквизиты, преамбула договора и подписант — данные для формируемых документов.")
SIGNATURE = Section("signature", "Ваша подпись", "Графическая подпись (факсимиле) для протоколов и приказов.")
RESULTS = Section("results", "Результаты экзаменов",
                  "Результаты экзаменов с фильтрами, личные дела, решения экспертной комиссии.")
THEORY = Section("theory", "Теория", "Запись на теорию, группы на теорию, допуск соискателей и начало экзамена.")
APPLICATIONS = Section("applications", "Заявления",
                       "Очередь заявлений соискателей и работодателей: проверка документов, договор и счёт.")
SCHEDULE = Section("schedule", "Расписание", "Дни и время экзаменов по квалификациям, число мест.")
REGISTRY = Section("registry", "Связь с СПК",
                   "Подключение к реестру СПК, отправленные результаты и видеозаписи, справочники СПК.")
PRACTICE = Section("practice", "Практика", "Группы на практику, практические задания и защита портфолио.")

MENUS: dict[Cabinet, tuple[Section, ...]] = {
    Cabinet.SPK: (
        STAFF, EXPERTS,
        Section("centres", "ЦОК и площадки", "Реестр ЦОК и экзаменационных площадок, их устройства и связь."),
        QUALIFICATIONS, RESULTS,
        Section("protocols", "Протоколы", "Протоколы СПК: формирование, подписание, отправка в НАРК."),
        Section("certificates", "Свидетельства", "Реестр свидетельств о квалификации и заключений."),
        Section("persons", "Личные дела", "Все экзамены, документы и свидетельства одного соискателя."),
        Section("schedule", "План-график", "План-график экзаменов всех ЦОК."),
        Section("statistics", "Статистика", "Отчёты по ЦОК, площадкам и квалификациям."),
        PROFILE,
    ),
    Cabinet.COK: (
        STAFF, APPLICATIONS, THEORY, PRACTICE, EXPERTS, QUALIFICATIONS, SCHEDULE, RESULTS,
        Section("settlements", "Взаиморасчёты", "Контроль взаиморасчётов между ЦОК и площадками."),
        REGISTRY, PROFILE, SIGNATURE,
    ),
    Cabinet.VENUE: (STAFF, APPLICATIONS, THEORY, PRACTICE, EXPERTS, QUALIFICATIONS, SCHEDULE, RESULTS, REGISTRY,
                    PROFILE, SIGNATURE),
    Cabinet.EXPERT: (replace(RESULTS, ready=True), replace(SIGNATURE, ready=True)),
    Cabinet.APPLICANT: (
        Section("personal", "Личные данные", "ФИО, СНИЛС, паспорт, фото, образование, трудовая деятельность."),
        Section("documents", "Документы", "Сканы документов, которые копируются в заявления."),
        Section("applications", "Заявления", "Подача заявления на профессиональный экзамен и его статус."),
        Section("results", "Результаты", "Результаты экзаменов, ведомость, свидетельство или заключение."),
    ),
    Cabinet.EMPLOYER: (
        STAFF,
        Section("applications", "Заявки", "Групповые заявки: квалификация × число соискателей × площадка."),
        Section("applicants", "Реестр соискателей", "Соискатели организации, согласование дат экзамена, результаты."),
        PROFILE,
    ),
}


def sections_for(cabinet: Cabinet, role: Role) -> list[Section]:
    """The menu a user sees: an Оператор has everything but «Сотрудники»."""
    return [s for s in MENUS[cabinet] if not (s.admin_only and role is not Role.ADMIN)]


def find_section(cabinet: Cabinet, slug: str) -> Section | None:
    return next((s for s in MENUS[cabinet] if s.slug == slug), None)
