"""The database schema: SQLAlchemy 2.0 declarative models, one module per feature.

Every model module is imported here so that `Base.metadata` (used by Alembic
and the schema test) knows all tables.
"""

# Feature modules register their tables on Base.metadata when imported.
from storage.models import (  # noqa: F401
    broadcasts,
    conversation,
    digests,
    outbox,
    peers,
    plans,
    privacy,
    reflections,
    schedule,
    scheduling,
    sessions,
    todos,
)
from storage.models.base import NAMING_CONVENTION, Base, JSONType, UTCDateTime
from storage.models.conversation import ConversationState
from storage.models.core import (
    ROLE_VALUES,
    ChannelIdentity,
    ConsentRecord,
    Group,
    Invite,
    InviteRedemption,
    Membership,
    Person,
    Programme,
    Province,
    Role,
)
from storage.models.outbox import OutboxMessage
from storage.models.schedule import GroupSchedule

__all__ = [
    "ConversationState", "GroupSchedule", "OutboxMessage",
    "broadcasts", "conversation", "digests", "outbox", "peers", "plans", "privacy", "reflections",
    "schedule", "scheduling",
    "sessions", "todos",
    "NAMING_CONVENTION", "ROLE_VALUES", "Base", "ChannelIdentity", "ConsentRecord", "Group", "Invite",
    "InviteRedemption", "JSONType", "Membership", "Person", "Programme", "Province", "Role",
    "UTCDateTime",
]
