"""WhatsApp's nudges: what the bot starts outside the 24-hour window goes as a short, approved template.

WhatsApp takes free-form messages only within 24 hours of the person's last
message. Outside it the sender sends a *nudge* instead: an approved template
with no variables and no personal data ("Your weekly reflection is open"),
whose one quick-reply button carries `held:<outbox row id>`. Tapping it opens
the window again, and `screens.show` shows the held row itself.

- `buttons`: the button table (`HELD`, "held:<id>");
- `templates`: the nudges, which outbox kinds each stands for, and the JSON
  Meta's template manager takes (`narbot whatsapp templates`);
- `screens`: the step that shows a held row to the person it was for.
"""
