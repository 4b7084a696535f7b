"""Long lists in pages: a page shows a bounded number of items, however long the history."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from flask import request

T = TypeVar("T")
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int      # 1 is the first page
    pages: int       # how many pages there are (at least 1)
    total: int       # how many items there are in all

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def requested_page(parameter: str = "pagina") -> int:
    """The page number asked for in the query; anything that is no positive number is page 1."""
    text = request.args.get(parameter, "")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 7 else 1


def page_of(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """Page `number` of `items` (a number past the end shows the last page)."""
    pages = max(1, -(-len(items) // size))
    number = min(max(1, number), pages)
    return Page(items[(number - 1) * size:number * size], number, pages, len(items))
