"""`narbot whatsapp templates`: the WhatsApp templates (nudges) as Meta's template manager takes them.

Outside WhatsApp's 24-hour window the bot may start a conversation only with an
approved template; ours are the nudges of `mentoring.nudges.templates`, one per
kind of message, in every language. This prints them as a JSON list, one
object per template and language, each the body of
`POST /<WABA id>/message_templates` (or what to type into WhatsApp Manager).
Needs no database. Operator output, in English; the templates' words come
from the catalogues.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from bot.settings import Settings
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.nudges import templates

# As WHATSAPP_TEMPLATE_PREFIX allows (bot/settings.py).
_PREFIX = re.compile(r"[a-z][a-z0-9_]{0,40}", re.ASCII)


def _prefix(text: str) -> str:
    if not _PREFIX.fullmatch(text):
        raise argparse.ArgumentTypeError("lowercase letters, digits and underscores, starting with a letter")
    return text


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    whatsapp = commands.add_parser("whatsapp", help="WhatsApp channel tools").add_subparsers(
        dest="whatsapp_command", required=True, metavar="ACTION")
    listing = whatsapp.add_parser(
        "templates", help="print the message templates to submit to Meta, as JSON")
    listing.add_argument("--locale", choices=[*SUPPORTED_LOCALES, "all"], default="all",
                         help="the templates' language (default: all)")
    listing.add_argument("--prefix", type=_prefix, default=None,
                         help="template names start with PREFIX_ (default: WHATSAPP_TEMPLATE_PREFIX)")


def template_list(prefix: str, locale: str) -> list[dict]:
    """Every nudge's template in one language, or in every language ("all")."""
    locales = SUPPORTED_LOCALES if locale == "all" else (locale,)
    return [entry for code in locales for entry in templates.submission(prefix, translator(code), code)]


def templates_command(args: argparse.Namespace, settings: Settings) -> int:
    prefix = args.prefix or settings.whatsapp_template_prefix
    text = json.dumps(template_list(prefix, args.locale), ensure_ascii=False, indent=2) + "\n"
    raw = getattr(sys.stdout, "buffer", None)
    if raw is None:  # a stream of text only (tests, embedding)
        sys.stdout.write(text)
    else:  # UTF-8 whatever the terminal's encoding
        sys.stdout.flush()
        raw.write(text.encode("utf-8"))
        raw.flush()
    tr = translator(getattr(args, "cli_lang", None) or settings.default_locale)
    print(
        tr.gettext("Submit each object in WhatsApp Manager > Message templates, or POST it to "
                   "{url}/<version>/<WABA id>/message_templates; the names must stay {prefix}_*, "
                   "as WHATSAPP_TEMPLATE_PREFIX says.").format(
            url=settings.whatsapp_api_base_url.rstrip("/"), prefix=prefix),
        file=sys.stderr,
    )
    return 0


# Commands that run without a database (bot/cli.py runs these before opening one).
OFFLINE_ACTIONS = {("whatsapp", "templates"): templates_command}
ACTIONS: dict = {}
