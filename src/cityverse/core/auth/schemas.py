"""Request and response models of the account API."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from cityverse.core.auth.policy import Role, Scope

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _field_error(code: str) -> PydanticCustomError:
    return PydanticCustomError("cv_field", code, {"field_code": code})


def _check_username(value: str) -> str:
    if not USERNAME_RE.match(value):
        raise _field_error("username_chars")
    return value


def _check_email(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not EMAIL_RE.match(value):
        raise _field_error("invalid_email")
    return value.lower()


def _check_phone(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not PHONE_RE.match(value):
        raise _field_error("invalid_phone")
    return value


Username = Annotated[str, Field(min_length=3, max_length=32), AfterValidator(_check_username)]
Email = Annotated[str | None, Field(max_length=254), AfterValidator(_check_email)]
Phone = Annotated[str | None, Field(max_length=20), AfterValidator(_check_phone)]
DisplayName = Annotated[str, Field(min_length=1, max_length=64)]
Locale = Literal["zh-CN", "en"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterIn(Strict):
    username: Username = Field(examples=["lihua"])
    password: str = Field(max_length=200, examples=["Kunshan2025a"])
    display_name: DisplayName = Field(examples=["李华"])
    email: Email = None
    role: Literal[Role.VISITOR, Role.CREATOR] = Role.VISITOR


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64, examples=["lihua"])
    password: str = Field(min_length=1, max_length=200, examples=["Kunshan2025a"])


class ProfileIn(Strict):
    display_name: DisplayName | None = None
    email: Email = None
    phone: Phone = None
    locale: Locale | None = None


class PasswordChangeIn(Strict):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(max_length=200)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    email: str | None
    phone: str | None
    roles: list[str] = Field(validation_alias="role_names")
    is_active: bool
    locale: str
    created_at: datetime
    realname_status: Literal["none", "pending", "approved", "rejected"]
    realname_name: str | None


class SessionUserOut(BaseModel):
    user: UserOut


class TokenIn(Strict):
    name: str = Field(min_length=1, max_length=64, examples=["传感器网关"])
    scopes: list[Scope] = Field(min_length=1, max_length=4, examples=[["read"]])
    expires_in_days: int | None = Field(90, ge=1, le=3650)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scopes: list[str] = Field(validation_alias="scope_list")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The secret; shown only in this response.")


class RealNameIn(Strict):
    real_name: str = Field(min_length=2, max_length=30, examples=["张三"])
    id_number: str = Field(min_length=1, max_length=32, examples=["11010519491231002X"])


class RejectIn(Strict):
    reason: str = Field(min_length=2, max_length=200, examples=["姓名与证件不符"])


class VerificationOut(BaseModel):
    id: int
    user_id: int
    username: str
    real_name: str
    id_number_masked: str
    birth_date: date
    gender: str
    region_code: str
    status: Literal["pending", "approved", "rejected"]
    reject_reason: str | None
    submitted_at: datetime
    reviewed_at: datetime | None
    reviewer: str | None


class UserAdminIn(Strict):
    roles: list[Role] | None = Field(None, min_length=1, max_length=5)
    is_active: bool | None = None


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, object] | None
    after: dict[str, object] | None
    request_id: str | None
    ip: str | None
