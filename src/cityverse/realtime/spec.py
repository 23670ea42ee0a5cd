"""The world server's HTTP API as a platform part (the socket is mounted by the spaces module,
which supplies the spaces' rules)."""

from cityverse.core.modules import ModuleSpec
from cityverse.realtime import api
from cityverse.realtime import messages as _messages  # noqa: F401 - registers messages

SPEC = ModuleSpec(name="world", routers=(api.router,))
