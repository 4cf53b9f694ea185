"""Which Telegram updates Narbot handles: the adapter's half of `mentoring.gate`.

`incoming_of` describes a Telegram update in the domain's terms and `route_of`
asks `mentoring.gate.admit` what to do with it. Two places apply that one
answer, so they cannot disagree:

- the gate (`handlers.privacy.gate`, handler group -1) answers or drops
  every update not routed to the features and stops it there;
- `features_only` makes each feature handler (`handlers.build_handlers`) refuse,
  in its own `check_update`, every update not routed to the features, so no
  feature can be reached by an edited message, a channel post, a group chat or
  a button outside the private chat, whatever its own filters say.
"""

from __future__ import annotations

from typing import Any, TypeVar

from telegram import Chat, MessageEntity, Update
from telegram.ext import BaseHandler

from mentoring.gate import Incoming, Kind, Route, Where, addressed_to, admit

H = TypeVar("H", bound=BaseHandler[Any, Any, Any])


def _where(chat: Chat | None) -> Where:
    if chat is None:
        return Where.ELSEWHERE  # a button under an inline message, or nothing to tell
    if chat.type == Chat.PRIVATE:
        return Where.PRIVATE_CHAT
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        return Where.GROUP
    return Where.ELSEWHERE


def incoming_of(update: Update) -> Incoming:
    """What arrived and where, in the words of `mentoring.gate`."""
    query = update.callback_query
    if query is not None:
        # query.message, not update.effective_message: the latter warns for inaccessible messages.
        chat = query.message.chat if query.message is not None else None
        return Incoming(Kind.BUTTON, _where(chat), from_person=not query.from_user.is_bot)
    if update.message is not None:
        message = update.message
        where = _where(message.chat)
        command_for_us = False
        if where is Where.GROUP and message.text and message.entities:
            first = message.entities[0]
            if first.type == MessageEntity.BOT_COMMAND and first.offset == 0:
                word = message.text[: first.length]
                command_for_us = addressed_to(word, update.get_bot().username)
        sender = message.from_user
        return Incoming(Kind.MESSAGE, where, command_for_us, from_person=sender is not None and not sender.is_bot)
    if update.edited_message is not None:
        return Incoming(Kind.EDITED_MESSAGE, _where(update.edited_message.chat))
    return Incoming(Kind.OTHER, Where.ELSEWHERE)


class _LastRoute:
    """The last update routed, and its route. PTB asks every feature handler's `check_update` in
    turn for one update (dozens per update), and the route depends on the update alone. Holding
    the update keeps its identity from being taken by another object."""

    update: object = None
    route: Route = Route.IGNORE


_last = _LastRoute()


def route_of(update: object) -> Route:
    if update is not None and update is _last.update:
        return _last.route
    route = admit(incoming_of(update)) if isinstance(update, Update) else Route.IGNORE
    _last.update, _last.route = update, route
    return route


def _only_features(handler_class: type[H]) -> type[H]:
    def check_update(self: H, update: object) -> Any:
        if route_of(update) is not Route.FEATURES:
            return None
        return handler_class.check_update(self, update)

    return type(  # same slots, so an instance can take this class in place of its own
        handler_class.__name__,
        (handler_class,),
        {"__slots__": (), "check_update": check_update, "__module__": __name__,
         "__doc__": f"{handler_class.__name__} that sees only updates the gate routes to the features."},
    )


_FEATURE_CLASSES: dict[type, type] = {}


def features_only(handler: H) -> H:
    """The same handler (type, commands, pattern, filters kept), refusing what the gate does not admit.

    The handler's class is swapped for a subclass whose `check_update` first asks
    `route_of`; everything that inspects handlers (the command menus, the access
    tests) sees the same `CommandHandler` / `CallbackQueryHandler` as before.
    """
    cls = type(handler)
    if cls in _FEATURE_CLASSES.values():
        return handler
    if cls not in _FEATURE_CLASSES:
        _FEATURE_CLASSES[cls] = _only_features(cls)
    handler.__class__ = _FEATURE_CLASSES[cls]
    return handler
