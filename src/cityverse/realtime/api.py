"""HTTP side of the world server: chat history (paged) and the bans of a space."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Response

from cityverse.core import audit
from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import ADMINS, PUBLIC, Principal
from cityverse.core.errors import AppError
from cityverse.core.http import Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.realtime import store
from cityverse.realtime.schemas import BanOut, ChatMessageOut

router = make_router("/api/world", "world")

Anyone = Annotated[None, requires(PUBLIC)]
Admin = Annotated[Principal, requires(ADMINS)]
Paging = Annotated[PageParams, Depends(page_params)]
SpaceKey = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Space key.")]


@router.get("/{space}/chat", response_model=PageOut[ChatMessageOut])
async def chat_history(
    db: Db, _: Anyone, paging: Paging, space: SpaceKey,
    scope: Literal["nearby", "hall"] | None = Query(None, description="Only this chat scope."),
) -> PageOut[ChatMessageOut]:
    """Chat said in a space, newest first by default, as delivered (word filter applied)."""
    page = await store.list_chat(db, space, paging, scope)
    return page.to_out(ChatMessageOut.model_validate)


@router.get("/{space}/bans", response_model=PageOut[BanOut])
async def list_bans(db: Db, _: Admin, paging: Paging, space: SpaceKey) -> PageOut[BanOut]:
    """Users banned from a space by its hosts."""
    return (await store.list_bans(db, space, paging)).to_out(BanOut.model_validate)


@router.delete("/{space}/bans/{user_id}", status_code=204, response_class=Response)
async def lift_ban(db: Db, me: Admin, space: SpaceKey, user_id: int) -> Response:
    """Let a banned user into the space again."""
    if not await store.remove_ban(db, space, user_id):
        raise AppError(404, "world_ban_not_found", user_id=user_id)
    await audit.record(db, actor_id=me.user_id, actor_name=me.username, action="world.unban",
                       target_type="user", target_id=user_id, after={"space": space})
    return Response(status_code=204)
