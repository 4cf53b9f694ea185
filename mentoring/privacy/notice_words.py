"""The words of the KVKK notice (aydınlatma metni): the project's template, filled with a programme's fields.

One template in the catalogues for every programme (tr and en), so a lawyer
reads one text; a programme supplies only what it alone knows
(`mentoring.privacy.notice.NoticeFields`) and the retention period in force
when its version was issued. Every section KVKK art. 10 and the Communiqué on
the obligation to inform ask for is here: the controller, what is processed and
how it is collected, purposes with their legal bases, recipients, transfer
abroad, retention, every right of art. 11, and how to apply (art. 13).
"""

from __future__ import annotations

from mentoring.privacy import explicit
from mentoring.privacy.buttons import CONSENT, OPTIN
from mentoring.privacy.consent import Standing
from mentoring.privacy.notice import NoticeView
from mentoring.screens import Choice, Lines, Moment, Raw, Screen, Text, Words

PROVIDERS = Text(
    "Telegram (Telegram Messenger Inc., servers outside Turkey) and WhatsApp (Meta Platforms Ireland Ltd., "
    "servers in the European Union and the United States)"
)


def _controller(view: NoticeView | None) -> Words:
    if view is None:
        return Text("Data controller: this programme has not named its data controller yet. Ask your "
                    "programme coordinator before you share anything.")
    fields = view.fields
    channels = [Text("e-mail: {address}", address=fields.email) if fields.email else None,
                Text("KEP: {address}", address=fields.kep) if fields.kep else None]
    return Lines(
        Text("Data controller: {institution}, {address}.", institution=fields.institution, address=fields.address),
        Text("Contact: {contact}", contact=fields.contact),
        *[Lines(Raw("• "), channel, sep="") for channel in channels if channel is not None],
    )


def _transfer(view: NoticeView | None) -> Words:
    if view is not None and not view.asks_abroad:
        return Text("Transfer abroad (art. 9): every message passes through the messaging provider's servers "
                    "abroad, on the basis of these safeguards: {safeguard}",
                    safeguard=view.fields.transfer_safeguard)
    return Text("Transfer abroad (art. 9): every message passes through the messaging provider's servers "
                "abroad. No other basis applies, so Narbot asks for your explicit consent to this separately. "
                "Without it Narbot cannot write to you; you still take part in the group sessions.")


def _retention(view: NoticeView | None) -> Words:
    if view is None:
        period = Text("for a period after it ends that your coordinator can tell you")
    else:
        period = Text("for {days} days after it ends", days=view.retention_days)
    return Text(
        "How long: your texts, voice notes and photos, and the texts of messages sent to you, are kept while "
        "the programme runs and {period}, then erased. Figures (for example that a mentee answered a 1-5 "
        "question) are kept after that under a number that no longer leads to you (pseudonymous). The audit "
        "log keeps ids and times, never texts.", period=period,
    )


def notice_text(view: NoticeView | None) -> Words:
    """The whole notice of a programme's version (`None`: a programme that has not loaded one)."""
    heading = (
        Text("Privacy notice (KVKK, Law No. 6698), version {version}", version=view.version)
        if view is not None else Text("Privacy notice (KVKK, Law No. 6698)")
    )
    return Lines(
        heading,
        Raw(""),
        _controller(view),
        Raw(""),
        Text("What is processed, and how: your name; your messaging account number (Telegram or WhatsApp) "
             "and, on WhatsApp, your phone number; your language and time zone; your group and role; and what "
             "you send to Narbot (reflections and their answers, to-dos, your development plan, check-ins "
             "with your peer partner, session replies and feedback, worries about a child you raise). It is "
             "collected automatically, through the messaging channel, when you write to Narbot or press its "
             "buttons."),
        Raw(""),
        Text("Purposes and legal bases:"),
        Text("• Running the group mentoring programme between sessions (questions, reminders, session "
             "notices, check-ins with your partner): the institution's legitimate interest in developing its "
             "care workers' skills (art. 5(2)(f)) and what your work relationship requires (art. 5(2)(c))."),
        Text("• Your mentors' weekly group digest and its attention flags (for example several weeks without "
             "a reflection), made automatically: the same legitimate interest (art. 5(2)(f)). You can object "
             "to a result of automated analysis (art. 11(1)(g)) from /mydata."),
        Text("• The programme's figures for coordinators (participation, 1-5 answers; never your texts, and "
             "no figure drawn from fewer than 3 people): the same legitimate interest (art. 5(2)(f))."),
        Text("• Telling your mentors at once when you raise a worry about a child: the institution's legal "
             "obligation to protect the children in its care (art. 5(2)(ç))."),
        Text("• Keeping your voice notes and photos: only with your explicit consent (art. 5(1)), asked "
             "separately; without it Narbot asks you to write instead."),
        Text("• A record of who viewed, exported or erased data (the audit log): the institution's legal "
             "obligation to keep data secure (art. 5(2)(ç) and art. 12)."),
        Raw(""),
        Text("Who receives it: your group's mentors see what you share with them (your reflections unless "
             "you choose to share numbers only, your development plan, your to-dos); your peer partner sees "
             "your check-ins together; the programme's coordinators see figures and statuses only, never your "
             "texts; the messaging provider carries every message: {providers}. Nobody else receives it "
             "unless a law requires it.", providers=PROVIDERS),
        Raw(""),
        _transfer(view),
        Raw(""),
        _retention(view),
        Raw(""),
        Text("Your rights (art. 11): to learn whether data about you is processed and to ask for information "
             "about it; to learn why it is processed and whether it is used for that; to know who receives "
             "it, in Turkey or abroad; to have incomplete or wrong data corrected; to have it erased or "
             "destroyed (art. 7); to have those corrections and erasures passed on to those who received it; "
             "to object to a result against you that comes only from automated analysis; and to claim "
             "compensation for damage from unlawful processing."),
        Raw(""),
        Text("How to apply: /mydata sends you everything stored about you and lets you object to an "
             "automated flag, /forgetme erases your data, /privacy shows your consents. You can also write "
             "to the data controller at the address, e-mail or KEP address above. You get an answer within "
             "30 days at the latest, free of charge (art. 13)."),
    )


def acknowledge_question() -> Words:
    """Below the notice: reading it is confirmed, not consented to."""
    return Text("Please confirm that you have read this notice. This is not a consent: it records only that "
                "you were informed. Consents are asked separately, each on its own.")


def notice(view: NoticeView | None) -> Words:
    """The notice with the question under it."""
    return Lines(notice_text(view), Raw(""), acknowledge_question())


# ----------------------------------------------------------------------------- the gate's screens


def read_choices(yes: str, no: str) -> list[list[Choice]]:
    """Under the notice: "I have read it" and "Not now", one per row, carrying the given data."""
    return [[Choice(yes, Text("I have read it"))], [Choice(no, Text("Not now"))]]


def read_notice() -> list[list[Choice]]:
    return [[Choice(CONSENT.encode("show"), Text("Read the notice and come back"), short=Text("Read the notice"))]]


def withdrawn(standing: Standing) -> Words:
    """Since when the member stopped Narbot, what that means, and the way back."""
    assert standing.withdrawn_at is not None
    return Text(
        "You stopped Narbot on {date}, so it does not write to you and does not process what you send.\n\n"
        "To come back, read the notice and confirm it. To receive your data send /mydata; "
        "to have it erased send /forgetme.",
        date=Moment(standing.withdrawn_at, standing.timezone, style="long"),
    )


def abroad_question(refused: bool) -> Words:
    intro = (Text("You said no to transfer abroad, so Narbot does not write to you. You can change your "
                  "mind at any time.") if refused else None)
    return Lines(
        intro,
        Raw("") if intro is not None else None,
        Text("Explicit consent: transfer abroad (KVKK art. 9)\n\n"
             "Telegram and WhatsApp carry every message through servers outside Turkey, and your programme "
             "names no other basis for that. Do you consent to your messages with Narbot (your answers, "
             "reminders, your group's notices) passing through them?\n\n"
             "This is up to you. Without it Narbot cannot write to you, and you still take part in the group "
             "sessions. You can withdraw it at any time with /privacy."),
    )


def abroad_choices() -> list[list[Choice]]:
    return [[Choice(OPTIN.encode("yes", purpose=explicit.ABROAD), Text("Yes, I consent"))],
            [Choice(OPTIN.encode("no", purpose=explicit.ABROAD), Text("No"))],
            *read_notice()]


def media_question() -> Screen:
    """Asked when the first voice note or photo arrives for a flow that would keep it."""
    return Screen(
        Text("Explicit consent: voice notes and photos\n\n"
             "You sent a voice note or a photo. Narbot keeps these only with your explicit consent; your "
             "group's mentors can then listen to or see them, and they are erased with your other texts. "
             "May Narbot keep your voice notes and photos?\n\n"
             "If you say no, nothing else changes: you answer in writing instead, and what you just sent is "
             "not kept. You can change this at any time with /privacy."),
        [[Choice(OPTIN.encode("yes", purpose=explicit.MEDIA), Text("Yes, keep them"))],
         [Choice(OPTIN.encode("no", purpose=explicit.MEDIA), Text("No, I will write"))]],
    )


def write_instead() -> Words:
    return Text("Narbot does not keep voice notes or photos for you (you can change that with /privacy), so "
                "what you sent was not kept. Please write your answer instead; the question is still waiting.")


PURPOSE_NAMES = {
    explicit.ABROAD: Text("Transfer abroad through the messaging platform"),
    explicit.MEDIA: Text("Keeping your voice notes and photos"),
}


def notice_screen(standing: Standing) -> Screen:
    """The member's notice with "I have read it" / "Not now" for the version due."""
    version = standing.due
    return Screen(notice(standing.notice),
                  read_choices(CONSENT.encode("yes", version=version), CONSENT.encode("no", version=version)))


def held(standing: Standing) -> Screen:
    """What the consent gate shows a member whose standing is not current, instead of what they asked."""
    if standing.withdrawn:
        return Screen(withdrawn(standing), read_notice())
    if not standing.read_current:
        return notice_screen(standing)
    return Screen(abroad_question(refused=standing.abroad is False), abroad_choices())
