"""Who sees, shares, marks and removes resources, and the rows behind them.

Every rule asks `mentoring.access`: a resource shared with a group is seen by its
mentees and mentors and the programme's coordinators; one shared with a
programme by everyone with a role in it. A group's mentors and the programme's
coordinators share with a group, coordinators with the whole programme; only a
mentee it was shared with marks it useful (once; again unmarks); only its sharer
removes it. Where it is shared comes from the database (a group's programme),
never from a button alone.

A document is kept by the channel's file reference and the channel it is valid
on (a file id means nothing elsewhere): a reader on the other channel is told
where it was shared instead. A new resource is announced to everyone it was
shared with through the outbox (bulk priority, quiet hours respected; kind
"resource_shared"). Names and texts are never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access
from mentoring.errors import DomainError
from mentoring.feedback.rules import channel_now
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.resources.buttons import RESOURCES
from storage.models import Group, Membership, Person, Programme, Role
from storage.models.outbox import PRIORITY_BULK
from storage.models.resources import NOTE_MAX, TITLE_MAX, URL_MAX, Resource, ResourceMark

logger = logging.getLogger(__name__)

PAGE_SIZE = 5
KIND = "resource_shared"
__all__ = ["NOTE_MAX", "PAGE_SIZE", "TITLE_MAX", "URL_MAX"]


@dataclass(frozen=True)
class Target:
    """Where a resource is shared: one group, or (group None) a whole programme."""

    programme_id: int
    programme_name: str
    group_id: int | None = None
    group_name: str | None = None


@dataclass(frozen=True)
class Item:
    """One resource as a reader sees it."""

    id: int
    kind: str
    title: str
    url: str | None
    note: str | None
    file_id: str | None
    file_name: str | None
    file_channel: str | None
    target: Target
    sharer: str | None  # None: the sharer's data was erased
    shared_at: datetime
    useful: int
    marked: bool  # the reader marked it useful
    may_mark: bool
    mine: bool


@dataclass(frozen=True)
class Page:
    items: tuple[Item, ...]
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _visible(member: MemberView) -> ColumnElement[bool]:
    """What the member may see, as a condition (the same rule as `access.may_see_resource`)."""
    groups = {view.group_id for view in member.roles
              if view.role in (Role.MENTEE, Role.MENTOR) and view.group_id is not None}
    programmes = {view.programme_id for view in member.roles}
    coordinated = set(access.coordinated_programmes(member))
    parts: list[ColumnElement[bool]] = []
    if groups:
        parts.append(Resource.group_id.in_(groups))
    if programmes:
        parts.append(and_(Resource.group_id.is_(None), Resource.programme_id.in_(programmes)))
    if coordinated:
        parts.append(Resource.programme_id.in_(coordinated))
    return or_(*parts) if parts else false()


async def page_of(session: AsyncSession, member: MemberView, page: int) -> Page:
    """The resources the member sees, newest first, `PAGE_SIZE` a page (a page past the end: the last)."""
    total = await session.scalar(select(func.count()).select_from(Resource).where(_visible(member))) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    ids = list((await session.scalars(
        select(Resource.id).where(_visible(member))
        .order_by(Resource.created_at.desc(), Resource.id.desc())
        .offset(page * PAGE_SIZE).limit(PAGE_SIZE)
    )).all())
    return Page(tuple(await _items(session, member, ids)), page, total)


async def item(session: AsyncSession, member: MemberView, resource_id: int) -> Item:
    """One resource the member sees; refused when it is gone or not theirs to see."""
    found = await _items(session, member, [resource_id])
    if not found:
        raise DomainError("resource_gone")
    return found[0]


async def _items(session: AsyncSession, member: MemberView, ids: list[int]) -> list[Item]:
    if not ids:
        return []
    rows = (await session.execute(
        select(Resource, Programme.name, Group.name, Person.display_name, Person.erased_at)
        .join(Programme, Programme.id == Resource.programme_id)
        .outerjoin(Group, Group.id == Resource.group_id)
        .outerjoin(Person, Person.id == Resource.person_id)
        .where(Resource.id.in_(ids))
    )).all()
    counts: dict[int, int] = {resource_id: count for resource_id, count in (await session.execute(
        select(ResourceMark.resource_id, func.count()).where(ResourceMark.resource_id.in_(ids))
        .group_by(ResourceMark.resource_id)
    )).all()}
    marked = set((await session.scalars(
        select(ResourceMark.resource_id)
        .where(ResourceMark.resource_id.in_(ids), ResourceMark.person_id == member.person_id)
    )).all())
    order = {resource_id: index for index, resource_id in enumerate(ids)}
    items = []
    for resource, programme_name, group_name, sharer, erased_at in sorted(rows, key=lambda row: order[row[0].id]):
        if not access.may_see_resource(member, resource.group_id, resource.programme_id):
            continue
        items.append(Item(
            id=resource.id, kind=resource.kind, title=resource.title, url=resource.url, note=resource.note,
            file_id=resource.file_id, file_name=resource.file_name, file_channel=resource.file_channel,
            target=Target(resource.programme_id, programme_name, resource.group_id, group_name),
            sharer=sharer if sharer is not None and erased_at is None else None,
            shared_at=resource.created_at,
            useful=counts.get(resource.id, 0),
            marked=resource.id in marked,
            may_mark=access.may_mark_resource(member, resource.group_id, resource.programme_id),
            mine=access.may_remove_resource(member, resource.person_id),
        ))
    return items


# ----------------------------------------------------------------------------- sharing


async def targets(session: AsyncSession, member: MemberView) -> list[Target]:
    """Where the member may share: the groups they mentor, and for a coordinator their programme
    and each of its groups."""
    found = [Target(view.programme_id, view.programme_name, view.group_id, view.group_name)
             for view in member.roles if view.role is Role.MENTOR and view.group_id is not None]
    coordinated = access.coordinated_programmes(member)
    if coordinated:
        rows = (await session.execute(
            select(Programme.id, Programme.name, Group.id, Group.name)
            .join(Group, Group.programme_id == Programme.id, isouter=True)
            .where(Programme.id.in_(coordinated)).order_by(Programme.name, Programme.id, Group.name, Group.id)
        )).all()
        for programme_id, programme_name, group_id, group_name in rows:
            whole = Target(programme_id, programme_name)
            if whole not in found:
                found.append(whole)
            if group_id is not None:
                found.append(Target(programme_id, programme_name, group_id, group_name))
    unique: list[Target] = []
    for target in found:
        if target not in unique:
            unique.append(target)
    return [target for target in unique
            if access.may_share_resource(member, target.group_id, target.programme_id)]


async def target_of(session: AsyncSession, member: MemberView, group_id: int | None,
                    programme_id: int | None) -> Target:
    """The group (its programme read from the database) or programme the member may share with."""
    if group_id is not None:
        row = (await session.execute(
            select(Group.programme_id, Programme.name, Group.name)
            .join(Programme, Programme.id == Group.programme_id).where(Group.id == group_id)
        )).first()
        if row is None:
            raise access.AccessDenied("share_resource")
        target = Target(row[0], row[1], group_id, row[2])
    else:
        name = await session.scalar(select(Programme.name).where(Programme.id == programme_id))
        if name is None or programme_id is None:
            raise access.AccessDenied("share_resource")
        target = Target(programme_id, name)
    access.require(access.may_share_resource(member, target.group_id, target.programme_id), "share_resource")
    return target


def check_title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise DomainError("empty_text")
    if len(title) > TITLE_MAX:
        raise DomainError("text_too_long", limit=TITLE_MAX, length=len(title))
    return title


def link_in(text: str) -> str | None:
    """The text as a link when it is one web address and nothing else."""
    words = text.split()
    if len(words) == 1 and words[0].lower().startswith(("https://", "http://")) and len(words[0]) > 8:
        return words[0]
    return None


@dataclass(frozen=True)
class Content:
    kind: str
    url: str | None = None
    note: str | None = None
    file_id: str | None = None
    file_name: str | None = None


def link(text: str) -> Content:
    url = link_in(text)
    assert url is not None
    if len(url) > URL_MAX:
        raise DomainError("text_too_long", limit=URL_MAX, length=len(url))
    return Content("link", url=url)


def note(text: str) -> Content:
    written = text.strip()
    if not written:
        raise DomainError("empty_text")
    if len(written) > NOTE_MAX:
        raise DomainError("text_too_long", limit=NOTE_MAX, length=len(written))
    return Content("note", note=written)


async def share(session: AsyncSession, member: MemberView, target: Target, title: str, content: Content,
                now: datetime) -> tuple[int, int]:
    """Store the resource and announce it to everyone else it is shared with; (its id, people told)."""
    access.require(access.may_share_resource(member, target.group_id, target.programme_id), "share_resource")
    channel = await channel_now(session, member.person_id) if content.kind == "document" else None
    resource = Resource(
        programme_id=target.programme_id, group_id=target.group_id, person_id=member.person_id,
        kind=content.kind, title=title, url=content.url, note=content.note, file_id=content.file_id,
        file_name=content.file_name, file_channel=channel, created_at=now,
    )
    session.add(resource)
    await session.flush()
    told = await _announce(session, member, target, resource, now)
    logger.info("Person %s shared resource %s (%s); %s people told", member.person_id, resource.id,
                content.kind, told)
    return resource.id, told


async def _announce(session: AsyncSession, member: MemberView, target: Target, resource: Resource,
                    now: datetime) -> int:
    where = (Membership.group_id == target.group_id if target.group_id is not None
             else Membership.programme_id == target.programme_id)
    rows = (await session.execute(
        select(Person.id, Person.locale).join(Membership, Membership.person_id == Person.id)
        .where(where, Membership.left_at.is_(None), Person.erased_at.is_(None), Person.id != member.person_id)
        .distinct()
    )).all()
    if target.group_id is not None:
        coordinators = (await session.execute(
            select(Person.id, Person.locale).join(Membership, Membership.person_id == Person.id)
            .where(Membership.programme_id == target.programme_id, Membership.role == Role.COORDINATOR.value,
                   Membership.left_at.is_(None), Person.erased_at.is_(None), Person.id != member.person_id)
        )).all()
        rows = [*rows, *(row for row in coordinators if row not in rows)]
    readers = dict(sorted((person_id, locale) for person_id, locale in rows))
    messages = [
        Outgoing(
            idempotency_key=f"resource:{resource.id}:{person_id}",
            kind=KIND,
            text=_announcement(locale, member.display_name, resource.title),
            not_before=now,
            person_id=person_id,
            buttons=[[Button(translator(locale).gettext("📚 See the resources"), RESOURCES.encode("l", page=0))]],
            priority=PRIORITY_BULK,
            mentions=(member.person_id,),
        )
        for person_id, locale in readers.items()
    ]
    await enqueue(session, messages, now)
    return len(messages)


def _announcement(locale: str, sharer: str, title: str) -> str:
    _ = translator(locale).gettext
    return _("📚 {name} shared a new resource: {title}. Send /resources to see it.").format(name=sharer, title=title)


# ----------------------------------------------------------------------------- marks and removal


async def toggle_useful(session: AsyncSession, member: MemberView, resource_id: int, now: datetime) -> bool:
    """Mark the resource useful, or unmark it when already marked; True when it is marked now."""
    found = await item(session, member, resource_id)
    access.require(found.may_mark, "mark_resource")
    if found.marked:
        await session.execute(delete(ResourceMark).where(
            ResourceMark.resource_id == resource_id, ResourceMark.person_id == member.person_id))
        return False
    session.add(ResourceMark(resource_id=resource_id, person_id=member.person_id, created_at=now))
    await session.flush()
    return True


async def removable(session: AsyncSession, member: MemberView, resource_id: int) -> Item:
    found = await item(session, member, resource_id)
    access.require(found.mine, "remove_resource")
    return found


async def remove(session: AsyncSession, member: MemberView, resource_id: int) -> Item:
    found = await removable(session, member, resource_id)
    await session.execute(delete(ResourceMark).where(ResourceMark.resource_id == resource_id))
    await session.execute(delete(Resource).where(Resource.id == resource_id))
    logger.info("Person %s removed resource %s", member.person_id, resource_id)
    return found
