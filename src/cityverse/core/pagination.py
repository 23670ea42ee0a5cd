"""Paged, sorted lists — the same query parameters and response shape in every module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select

from cityverse.core.errors import AppError, FieldError

T = TypeVar("T")
U = TypeVar("U")
S = TypeVar("S", bound=tuple[Any, ...])

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class PageParams:
    page: int = 1
    size: int = 20
    sort: str | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def apply(self, query: Select[S], model: Any, *, default: str, allowed: set[str]) -> Select[S]:
        """Order by `sort` (a column name, `-` for descending), then page."""
        key = self.sort or default
        name = key.lstrip("-")
        if name not in allowed:
            raise AppError(
                422,
                "validation_error",
                fields=[
                    FieldError("sort", "invalid_choice", {"choices": ", ".join(sorted(allowed))})
                ],
            )
        column = getattr(model, name)
        ordered = column.desc() if key.startswith("-") else column.asc()
        tiebreak = model.id.desc() if key.startswith("-") else model.id.asc()
        return query.order_by(ordered, tiebreak).offset(self.offset).limit(self.size)


# async so FastAPI calls it in the event loop, not in a worker thread (see core.http).
async def page_params(
    page: int = Query(1, ge=1, le=100_000, description="Page number, from 1."),
    size: int = Query(20, ge=1, le=MAX_PAGE_SIZE, description="Items per page."),
    sort: str | None = Query(
        None, max_length=40, description="Column to sort by; prefix `-` for descending."
    ),
) -> PageParams:
    return PageParams(page=page, size=size, sort=sort)


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int

    def to_out(self, convert: Callable[[T], U]) -> PageOut[U]:
        """The response body, each row converted to its output model."""
        return PageOut[U](
            items=[convert(item) for item in self.items], total=self.total, page=self.page,
            size=self.size,
        )
