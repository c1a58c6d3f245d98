"""Find English left in what an Italian reader sees.

A page is reduced to what a person reads or hears: its text, the attributes a browser shows or
a screen reader speaks (title, aria-label, placeholder, alt, the confirmation of a button, the
label of a button input) and the strings of the chart data the page draws. In that text three
things count as English:

- a phrase of the active Italian catalogue (ours, Django's, allauth's and every installed app's)
  in its English form, when its translation says something else: a string that was never marked
  for translation, or that was translated too early (at import time, in another language);
- a word of COMMON_ENGLISH, as a whole word, in any case: the words an untranslated sentence
  cannot do without, and the nouns our own msgids use most;
- nothing else: a proper name or a code is not English, whatever it looks like (ALLOWED).

E-mail addresses and web addresses are taken out first: they are data, not words.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "it" / "LC_MESSAGES" / "django.po"

# Attributes whose text a person reads or hears.
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm", "aria-description"}
# Not read: scripts and styles, and code (names of API fields and parameters, by contract English).
JSON_SHOWN = {"label", "labels", "title", "text"}
HIDDEN_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp"}

# Whole words that are English and not Italian (nor English words Italian has adopted: "file",
# "link", "password", "partner", "report", "budget", "team", "coach", "follow-up", "online",
# "privacy", "tutor", "e-mail", "home", "account", "login", "dashboard", "webhook", "token").
# Left out because they are Italian words too: a, in, no, come, date, data, note, case, male,
# mobile, fine, media, area, idea, per, me, ago, era, pace, dove, sale, vale, tutti.
COMMON_ENGLISH = frozenset(
    str.split(
        """
        the and of to with from for on at by or an if is are was were be been being has have had
        will would shall should must can cannot could may might not don't doesn't isn't can't this
        that these those which what when where who whom whose why how there their they them you your
        yours we our us he she his her its it's please click here yes none all any each every other
        some such same only also more most very just than then into onto about after before between
        while until since save cancel delete edit add remove back next previous search filter show
        hide open close closed submit send sent create created update updated new old required
        optional invalid enter valid field fields value error errors warning success name names
        status section sections page pages item items list total amount amounts bytes fund funds
        call calls application applications project projects person people grant grants expense
        expenses payment payments paid organisation organisations organization evaluator evaluators
        reviewer reviewers review reviews score scores committee decision vacancy vacancies
        placement placements interview interviews operator operators applicant applicants funder
        funders session sessions event events hours hour minutes month months week weeks day days
        year years today yesterday tomorrow january february march april may june july august
        september october november december monday tuesday wednesday thursday friday saturday sunday
        draft submitted approved rejected pending admitted withdrawn accepted eligible download
        upload uploaded attachment attachments document documents user users sign signed up out log
        logged welcome hello dear thank thanks sorry
        """
    )
)

# Phrases that are not English where they appear, whatever they look like, each with the reason.
# They are taken out of the text before it is read (case-sensitive, whole words).
ALLOWED = {
    "design system": "the name Designers Italia gives Bootstrap Italia in Italian",
    "Call center": "an ISTAT profession group, named so in Italian",
}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL = re.compile(r"\b(https?://|www\.)\S+|(?<![\w.])/[\w{}/.?=&-]+")  # addresses and paths
CODE = re.compile(r"`[^`]*`|\b\w+_\w+\b")  # a name quoted as code, or an identifier
TOKEN = re.compile(r"\b\w*\d\w*\b")  # letters among digits: a hash, a file name, a protocol code
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")  # with its apostrophe: dell'ente
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|\{\{[^}]*\}\}|<[^>]+>|&\w+;")


@dataclass(frozen=True)
class Finding:
    text: str  # the English found
    where: str  # the sentence it was found in
    why: str  # the msgid it comes from, or "common English word"

    def __str__(self) -> str:
        return f"{self.text!r} in {self.where!r} ({self.why})"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0
        self._json = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
            self._json = attributes.get("type") == "application/json"
        for name, value in attrs:
            if value and name in SHOWN_ATTRIBUTES:
                self.chunks.append(value)
        if tag == "input" and attributes.get("type") in {"submit", "button", "reset"}:
            self.chunks.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1
            self._json = False

    def handle_data(self, data):
        if not self._hidden:
            self.chunks.append(data)
        elif self._json:
            self.chunks.extend(_json_strings(json.loads(data)))


def _json_strings(value, shown: bool = False) -> list[str]:
    """The strings of chart data a chart shows: its labels and titles (not ids, kinds, links)."""
    if isinstance(value, str):
        return [value] if shown else []
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _json_strings(v, k in JSON_SHOWN)]
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item, shown)]
    return []


def visible_text(html: str) -> list[str]:
    """The pieces of text of a page a person reads or hears, whitespace collapsed."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    pieces = (" ".join(chunk.split()) for chunk in reader.chunks)
    return [p for p in pieces if p]


ALLOWED_PHRASES = re.compile("|".join(rf"\b{re.escape(p)}\b" for p in ALLOWED))


def _words(text: str) -> list[str]:
    text = ALLOWED_PHRASES.sub(" ", text)
    return WORD.findall(TOKEN.sub(" ", CODE.sub(" ", URL.sub(" ", EMAIL.sub(" ", text)))))


def _po_entries(path: Path) -> list[tuple[list[str], list[str]]]:
    """(English forms, Italian forms) of each entry of a .po file (singular and plural)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, list[str]] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if line.startswith(("msgid", "msgstr")):
                current, _space, rest = line.partition(" ")
                parts[current] = [rest]
            elif line.startswith('"') and current:
                parts[current].append(line)
        english = [_unquote(v) for k, v in parts.items() if k.startswith("msgid")]
        italian = [_unquote(v) for k, v in parts.items() if k.startswith("msgstr")]
        if english and english[0]:
            entries.append((english, italian))
    return entries


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


@cache
def catalogue_phrases() -> dict[tuple[str, ...], str]:
    """The English phrases to look for, as word tuples, each with the msgid it comes from.

    A msgid is cut at its placeholders and tags; a piece counts when its words are not all in
    the translation (a msgid kept as it is, like "Partner" or "CV", is no English to find).
    """
    pairs: list[tuple[list[str], list[str]]] = _po_entries(PO)
    with translation.override("it"):
        catalog = translation.trans_real.translation("it")._catalog  # type: ignore[attr-defined]
        for key, value in catalog.items():
            if isinstance(key, str) and key:
                pairs.append(([key], [value]))
            elif isinstance(key, tuple) and key[0]:
                pairs.append(([key[0]], [value]))
    # The translations of one msgid, from every catalogue and plural form, read together.
    italian_of: dict[str, set[str]] = {}
    for english, italian in pairs:
        words = {w.lower() for form in italian for w in _words(PLACEHOLDER.sub(" ", form))}
        italian_of.setdefault(english[0], set()).update(words)
    phrases: dict[tuple[str, ...], str] = {}
    for english, _italian in pairs:
        translated = italian_of[english[0]]
        for form in english:
            for piece in PLACEHOLDER.split(form):
                words = tuple(_words(piece))
                if not words or all(w.lower() in translated for w in words):
                    continue
                if len(words) == 1 and (len(words[0]) < 3 or words[0].lower() in ITALIAN_TOO):
                    continue
                phrases.setdefault(words, english[0])
    return phrases


# Single English words of msgids that are Italian words too, or names Italian uses as they are:
# found alone in Italian text they prove nothing.
ITALIAN_TOO = frozenset(
    str.split(
        """
        data date note come case male mobile fine media area idea no ok sale per partner budget
        report team coach tutor file link password online privacy home account email login logout
        dashboard webhook webhooks token test cv pdf csv json api ateco iban chat video audio super
        standard extra junior senior manager mentor staff target
        """
    )
)


def find_english(pieces: list[str]) -> list[Finding]:
    phrases = catalogue_phrases()
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for words in phrases:
        key = words[0] if len(words) == 1 else words[0].lower()
        by_first.setdefault(key, []).append(words)
    findings: list[Finding] = []
    for piece in pieces:
        words = _words(piece)
        lowered = [w.lower() for w in words]
        for i, word in enumerate(words):
            if lowered[i] in COMMON_ENGLISH:
                findings.append(Finding(word, piece, "common English word"))
                continue
            for candidate in (*by_first.get(word, ()), *by_first.get(lowered[i], ())):
                if len(candidate) == 1:
                    hit = candidate[0] == word
                else:
                    hit = tuple(lowered[i : i + len(candidate)]) == tuple(
                        w.lower() for w in candidate
                    )
                if hit:
                    findings.append(Finding(" ".join(candidate), piece, phrases[candidate]))
                    break
    return findings
