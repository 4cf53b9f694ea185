"""The Turkish glossary: one term per concept, and the variants the catalogue must not use.

Data only (docs/translations.md explains it for people; tests/unit/test_glossary.py
checks the Turkish catalogue against it). Patterns are regular expressions over a
Turkish msgstr lower-cased the Turkish way (`lower_tr`), with word boundaries:
- `forbidden`: a match anywhere in a msgstr is a mistake;
- `allowed`: spans removed before `forbidden` is searched (a legitimate
  neighbour that contains a forbidden word, e.g. "toplantı tutanağı");
- `where`: when given, the rule holds only for messages whose English msgid
  matches it (case-insensitive): the concept is known to be meant there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    concept: str  # in English, as the code and docs say it
    term: str  # the one Turkish term
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    where: str | None = None  # a regex over the English msgid
    note: str = ""


def lower_tr(text: str) -> str:
    """Lower-case Turkish text: I -> ı and İ -> i, which str.lower() gets wrong."""
    return text.replace("I", "ı").replace("İ", "i").lower()


_GROUP_SESSION = r"grup (mentorluk )?görüşme\w*"

TERMS: tuple[Term, ...] = (
    Term("group mentoring session", "grup mentorluk görüşmesi (kısaca: grup görüşmesi)",
         forbidden=(r"\btoplantı\w*", r"\boturum\w*", r"\bseans\w*", r"\bbuluşma(lar)?\w*"),
         allowed=(r"toplantı tutanağı\w*",),
         note="Bare “görüşme” may refer back to the group session; minutes are “toplantı tutanağı”."),
    Term("peer partner's weekly check-in", "partner sorusu (haftalık partner sorusu)",
         forbidden=(r"\bgörüş\w*",), allowed=(_GROUP_SESSION, r"görüşmeler(i|inin)? arasında"),
         where=r"check[- ]ins?\b|partners? (disagree|met)|pairs met|\bmeeting\b",
         note="Never “görüşme” or “görüşmek”: partners “konuşur” (talk), the question is the “partner sorusu”."),
    Term("peer partner's weekly check-in", "partner sorusu",
         forbidden=(r"\b(partner|eş düzey)\w*( \w+){0,3} görüş\w*", r"\bpartner görüşme\w*",
                    r"\bgörüşme sorusu\w*"),
         allowed=(_GROUP_SESSION,)),
    Term("weekly prompts (reflection and partner questions)", "haftalık sorular",
         forbidden=(r"\bdavet\w*",), where=r"\bprompts?\b|invitation was for week",
         note="“Davet” is kept for invitations to join and to a group session."),
    Term("weekly digest", "haftalık grup özeti (kısaca: grup özeti, özet)",
         forbidden=(r"\brapor\w*", r"\bilerleme rapor\w*"), where=r"\bdigests?\b",
         note="/report gives “ilerleme raporu” and “etki analizi”; the digest is never a “rapor”."),
    Term("weekly digest", "haftalık grup özeti",
         forbidden=(r"\bhaftalık rapor\w*", r"\bhaftalık mentorluk ilerleme rapor\w*",
                    r"\bmentorluk ilerleme rapor\w*")),
    Term("mentee", "menti (çoğul: mentiler)",
         forbidden=(r"\bmentee\w*", r"\bdanışan\w*"),
         note="Plural “mentiler”; after a number the singular: “5 menti”."),
    Term("mentor", "mentor (çoğul: mentorlar)", forbidden=(r"\bmentör\w*", r"\bmentorler\w*")),
    Term("coordinator", "koordinatör", forbidden=(r"\bkoordinator\w*",)),
    Term("care worker", "bakım elemanı", forbidden=(r"\bbakım çalışan\w*", r"\bbakıcı\w*")),
    Term("peer partner", "eş düzey partner (çoğul: eş düzey partnerler)",
         forbidden=(r"\bakran partner\w*", r"\bpartnerlik\w*", r"\bpartnerlar\w*",
                    r"\beş(im|iniz|inizle|inize|inizin|le)\b"),
         note="“Eş” alone means spouse; the pair is an “ikili”, a trio an “üçlü”."),
    Term("peer pair", "eş düzey ikili (üçlü)", forbidden=(r"\bçift(ler)?\w*",)),
    Term("to-do list", "yapılacaklar listesi (bir madde: yapılacak iş)",
         forbidden=(r"\bgörev\w*", r"\bödev\w*"), where=r"\bto-?dos?\b",
         note="A role on an agenda topic may be a “görev”; a to-do never is."),
    Term("development plan", "gelişim planı",
         forbidden=(r"\bgeliştirme plan\w*", r"\bgelişme plan\w*", r"\bkalkınma plan\w*")),
    Term("reflection", "yansıtma",
         forbidden=(r"\brefleksiyon\w*", r"\byansıma\w*", r"\bhaftalık anket\w*")),
    Term("self-assessment", "öz değerlendirme", forbidden=(r"\böz-değerlendirme\w*", r"\bözdeğerlendirme\w*")),
    Term("privacy notice (KVKK)", "aydınlatma metni",
         forbidden=(r"\bgizlilik bildirim\w*", r"\bgizlilik politika\w*", r"\bbilgilendirme metn\w*",
                    r"\bbildirim metn\w*")),
    Term("explicit consent (KVKK)", "açık rıza",
         forbidden=(r"\bonay ver\w*", r"\bonayınız\w*", r"\bmuvafakat\w*", r"\bizniniz\w*"),
         where=r"consent",
         note="“Onaylamak” is for confirming that the notice was read, never for consent."),
)
