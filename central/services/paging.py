"""One page of a list: the rows, how many there are in all, and where we are."""
from __future__ import annotations

from dataclasses import dataclass

import peewee

PER_PAGE = 50


@dataclass
class Page:
    rows: list
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(query: peewee.SelectQuery, page: int, per_page: int = PER_PAGE) -> Page:
    """Count in the database, clamp `page` to 1..pages and fetch just that page."""
    per_page = max(1, per_page)
    total = query.count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page or 1), pages)
    rows = list(query.paginate(page, per_page)) if total else []
    return Page(rows=rows, total=total, page=page, pages=pages, per_page=per_page)
