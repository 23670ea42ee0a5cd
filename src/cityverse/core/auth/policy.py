"""Who may call what: roles, token scopes and the policy every route declares."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"  # government staff
    ENTERPRISE = "enterprise"  # member of an enterprise
    CREATOR = "creator"
    VISITOR = "visitor"


class Scope(StrEnum):
    """What a bearer token may do; a browser session holds every scope of its user's roles."""

    READ = "read"  # read own and public data
    WRITE = "write"  # change own data
    REVIEW = "review"  # officer decisions (real-name review, approvals)
    ADMIN = "admin"  # platform administration


ALL_ROLES = frozenset(Role)
SELF_SERVICE_ROLES = frozenset({Role.VISITOR, Role.CREATOR})

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.ADMIN: frozenset(Scope),
    Role.OFFICER: frozenset({Scope.READ, Scope.WRITE, Scope.REVIEW}),
    Role.ENTERPRISE: frozenset({Scope.READ, Scope.WRITE}),
    Role.CREATOR: frozenset({Scope.READ, Scope.WRITE}),
    Role.VISITOR: frozenset({Scope.READ, Scope.WRITE}),
}


def scopes_for(roles: frozenset[str]) -> frozenset[Scope]:
    result: set[Scope] = set()
    for role in roles:
        if role in ROLE_SCOPES:
            result |= ROLE_SCOPES[Role(role)]
    return frozenset(result)


@dataclass(frozen=True)
class Policy:
    """`public` routes take anyone; otherwise a signed-in caller holding one of `roles`
    (any role when `roles` is empty) and, for tokens, the `scope`."""

    public: bool = False
    roles: frozenset[Role] = field(default_factory=frozenset)
    scope: Scope = Scope.READ

    def describe(self) -> str:
        if self.public:
            return "public"
        who = ",".join(sorted(self.roles)) if self.roles else "signed-in"
        return f"{who} (scope {self.scope})"


PUBLIC = Policy(public=True)
SIGNED_IN = Policy()
SIGNED_IN_WRITE = Policy(scope=Scope.WRITE)
REVIEWERS = Policy(roles=frozenset({Role.OFFICER, Role.ADMIN}), scope=Scope.REVIEW)
ADMINS = Policy(roles=frozenset({Role.ADMIN}), scope=Scope.ADMIN)


def roles_policy(*roles: Role, scope: Scope = Scope.WRITE) -> Policy:
    return Policy(roles=frozenset(roles), scope=scope)


@dataclass(frozen=True)
class Principal:
    """The caller of a request, however they authenticated."""

    user_id: int
    username: str
    roles: frozenset[str]
    scopes: frozenset[Scope]
    via: str  # "session" or "token"
    credential_id: int
    realname_status: str

    def has_role(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    def allowed(self, policy: Policy) -> tuple[bool, str]:
        """(allowed, refusal code)."""
        if policy.roles and not (policy.roles & self.roles):
            return False, "forbidden"
        if policy.scope not in self.scopes:
            return False, "insufficient_scope"
        return True, ""
