"""The database schema: SQLAlchemy 2.0 declarative models, one module per feature.

Every model module is imported here so that `Base.metadata` (used by Alembic
and the schema test) knows all tables.
"""

# Feature modules register their tables on Base.metadata when imported.
from storage.models import (
    broadcasts,
    conversation,
    digests,
    feedback,
    health,
    inbound,
    notices,
    objections,
    outbox,
    outbox_mentions,
    peers,
    plans,
    privacy,
    reflections,
    resources,
    safeguarding,
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
    "NAMING_CONVENTION",
    "ROLE_VALUES",
    "Base",
    "ChannelIdentity",
    "ConsentRecord",
    "ConversationState",
    "Group",
    "GroupSchedule",
    "Invite",
    "InviteRedemption",
    "JSONType",
    "Membership",
    "OutboxMessage",
    "Person",
    "Programme",
    "Province",
    "Role",
    "UTCDateTime",
    "broadcasts",
    "conversation",
    "digests",
    "feedback",
    "health",
    "inbound",
    "notices",
    "objections",
    "outbox",
    "outbox_mentions",
    "peers",
    "plans",
    "privacy",
    "reflections",
    "resources",
    "safeguarding",
    "schedule",
    "scheduling",
    "sessions",
    "todos",
]
