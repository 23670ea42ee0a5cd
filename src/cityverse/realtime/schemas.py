"""Bodies of the world server's HTTP API (chat history, bans)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class ChatMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        "id": 7, "space_key": "cloud-living-room", "instance_id": "cloud-living-room#1",
        "scope": "hall", "sender_client_id": 12, "sender_name": "王晓",
        "text": "大家好", "created_at": "2026-11-23T10:00:00Z",
    }]})

    id: int
    space_key: str
    instance_id: str
    scope: str
    sender_client_id: int
    sender_name: str
    text: str
    created_at: datetime


class BanOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    space_key: str
    user_id: int
    reason: str
    banned_by: int | None
    created_at: datetime
