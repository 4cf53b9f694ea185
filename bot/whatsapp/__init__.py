"""The WhatsApp channel (Cloud API through pywa): replies to messages, webhooks in (issue #12).

Like `handlers/` for Telegram this is a channel adapter: it turns webhook
messages into `mentoring.screens` inputs and replies into Cloud API messages,
and holds no feature's words or flow. `render` is the reply -> messages half.
"""
