"""Label capitalised chunks with gazetteers, cue words and a little context.

Why this order of rules: each rule is checked from the most to the least
certain, and the first that applies wins. A whole known name beats its
parts ("Bosnia and Herzegovina"); an organisation word beats a place inside
it ("Cairo University"); a title makes what follows a person ("Ambassador
Georgiy Y. Borisenko"); plain capitalisation alone is trusted only for short
name-shaped sequences. What no rule labels is returned as a *candidate*:
the alias step may still label it when the article names it in full
elsewhere ("Borisenko").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsreader.entities import cues
from newsreader.entities.chunks import (
    Tok,
    line_is_shouting,
    sentence_initial,
    word_after,
    word_before,
)
from newsreader.entities.gazetteer import Gazetteer

#: A hyphen followed by a lower-case word ends a name: "James-inspired".
_LOWER_TAIL = re.compile(r"-[a-z]")

#: (start, end, label or None for a candidate, canonical)
Result = tuple[int, int, str | None, str]


@dataclass(slots=True)
class Context:
    """Per-text state shared by all chunks of one ``extract`` call."""

    text: str

    def is_shouting(self, pos: int) -> bool:
        return line_is_shouting(self.text, pos)


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word[1] == "." and word[0].isupper()


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "").replace("&", "")
    return len(letters) >= 2 and letters.isupper()


def _nameish(word: str) -> bool:
    """Shaped like a personal name: "Borisenko", "O'Brien", "McCain", "al-Sisi"."""
    core = word.replace("'", "").replace("’", "").replace("-", "")
    if not core.isalpha() or word.isupper():
        return False
    return word[0].isupper() or word[:3] in ("al-", "el-")


class Classifier:
    """Turns one chunk's tokens into labelled spans and unlabelled candidates."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    # ------------------------------------------------------------------ chunk
    def chunk(self, ctx: Context, toks: list[Tok]) -> list[Result]:
        """Split a chunk into segments at dates, stop words and sentence ends."""
        text = ctx.text
        out: list[Result] = []
        seg: list[Tok] = []
        initial = sentence_initial(text, toks[0][0])
        for i, tok in enumerate(toks):
            word = tok[2]
            if not seg:
                if word in cues.CONNECTORS or word in cues.STOP_CAPITALISED:
                    # "The Internet", "But Russia": what follows is capitalised
                    # for its own sake.
                    initial = False
                    continue
                if initial and self._drop_initial(word, toks[i + 1 : i + 2]):
                    initial = False
                    continue
            if word in cues.CALENDAR_WORDS or word in cues.STOP_CAPITALISED:
                self._flush(ctx, seg, initial, out)
                seg, initial = [], False
                continue
            tail = _LOWER_TAIL.search(word)
            if tail and not word.lower().endswith(cues.PLACE_HYPHEN_SUFFIXES):
                # "James-inspired", "Man-of-the-match": the name (if any) is
                # the head, and the sequence ends with it.
                head = word[: tail.start()]
                seg.append((tok[0], tok[0] + len(head), head))
                self._flush(ctx, seg, initial, out)
                seg, initial = [], False
                continue
            seg.append(tok)
            if word.endswith(".") and len(word) > 2 and i + 1 < len(toks):
                nxt = toks[i + 1][2]
                if nxt.lower() in self.gaz.common and nxt not in self.gaz.places:
                    # "... in the U.S. He said": the full stop ended a sentence.
                    self._flush(ctx, seg, initial, out)
                    seg, initial = [], True
            elif word.lower().endswith(cues.PLACE_HYPHEN_SUFFIXES):
                self._flush(ctx, seg, initial, out)
                seg, initial = [], False
        self._flush(ctx, seg, initial, out)
        return out

    def _drop_initial(self, word: str, nxt: list[Tok]) -> bool:
        """Is a sentence-initial capitalised word just an ordinary word?"""
        gaz = self.gaz
        if word.lower() not in gaz.common or word in gaz.places or word in gaz.demonyms:
            return False
        if word in cues.TITLES or word in cues.ORG_HEADS:
            return False  # "President Sisi", "Ministry of ..." at a sentence start
        # "Mark Zuckerberg said": a first name before a name-shaped word stays.
        if word in gaz.first_names and nxt:
            after = nxt[0][2]
            return not (_nameish(after) and after.lower() not in gaz.common)
        return True

    def _flush(self, ctx: Context, seg: list[Tok], initial: bool, out: list[Result]) -> None:
        while seg and seg[-1][2] in cues.CONNECTORS:
            seg = seg[:-1]
        if seg:
            out.extend(self.segment(ctx, seg, initial))

    # ---------------------------------------------------------------- segment
    def segment(self, ctx: Context, seg: list[Tok], initial: bool) -> list[Result]:
        """Label one segment: most certain rules first."""
        gaz = self.gaz
        text = ctx.text
        start, end = seg[0][0], seg[-1][1]
        name = text[start:end]
        last = seg[-1][2]

        # "Cairo-based": the word before the suffix is a place.
        low = last.lower()
        for suffix in cues.PLACE_HYPHEN_SUFFIXES:
            if low.endswith(suffix) and len(last) > len(suffix):
                end -= len(suffix)
                name = text[start:end]
                label, canonical = gaz.places.get(name, ("GPE", ""))
                return [(start, end, label, canonical)]

        known = cues.KNOWN_ACRONYMS.get(name)
        if known:
            return [(start, end, known[0], known[1])]
        label = cues.KNOWN_NAMES.get(name)
        if label:
            return [(start, end, label, "")]
        place = gaz.places.get(name)
        if place:
            if initial and len(seg) == 1 and name.lower() in gaz.common:
                return []  # "Reading the report ..."
            return [(start, end, place[0], place[1])]

        if all(t[2].rstrip(".") in cues.TITLES for t in seg):
            return []  # "Prime Minister('s Questions)": an office, not a person
        if all(_is_acronym(t[2]) or t[2] in cues.CONNECTORS for t in seg):
            return self._upper(ctx, seg)

        if len(seg) > 1:
            org = self._org(seg)
            if org:
                return [(start, end, "ORG", "")]
            titled = self._titled(ctx, seg)
            if titled is not None:
                return titled
            if any(t[2] in cues.SPLITTING_CONNECTORS for t in seg):
                return self._split(ctx, seg)
            return self._multi(ctx, seg, initial)
        return self._single(ctx, seg[0], initial)

    def _upper(self, ctx: Context, seg: list[Tok]) -> list[Result]:
        """An all-capitals segment: a place in a headline/dateline, or an acronym."""
        gaz = self.gaz
        out: list[Result] = []
        words = [t for t in seg if t[2] not in cues.CONNECTORS]
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + gaz.max_place_words), i, -1):
                s, e = words[i][0], words[j - 1][1]
                proper = gaz.places_upper.get(" ".join(ctx.text[s:e].split()))
                if proper:
                    label, canonical = gaz.places[proper]
                    out.append((s, e, label, canonical or proper))
                    i = j
                    break
            else:
                word = words[i][2]
                if word in gaz.demonyms or word.title() in gaz.demonyms:
                    out.append((words[i][0], words[i][1], "NORP", word.title()))
                elif (
                    len(seg) == 1
                    and word not in cues.NOT_ACRONYMS
                    and word.rstrip(".").isalpha()
                    and len(word.replace(".", "")) <= 6
                    and not ctx.is_shouting(words[i][0])
                ):
                    out.append((words[i][0], words[i][1], "ORG", ""))
                i += 1
        return out

    def _org(self, seg: list[Tok]) -> bool:
        """Organisation word at the end ("Cairo University") or head + of ("Bank of ...")."""
        last = seg[-1][2]
        if last in cues.ORG_SUFFIXES:
            return True
        return seg[0][2] in cues.ORG_HEADS and seg[1][2] == "of"

    def _split(self, ctx: Context, seg: list[Tok]) -> list[Result]:
        """Split at "and"/"of"/"for"/"the" and label each part on its own."""
        out: list[Result] = []
        part: list[Tok] = []
        for tok in [*seg, (0, 0, "and")]:
            if tok[2] in cues.SPLITTING_CONNECTORS:
                if part:
                    out.extend(self.segment(ctx, part, False))
                part = []
            else:
                part.append(tok)
        return out

    def _titled(self, ctx: Context, seg: list[Tok]) -> list[Result] | None:
        """"Russian President Vladimir Putin" -> NORP + PERSON; None if no title inside."""
        last_title = -1
        real_title = False
        for i, tok in enumerate(seg):
            word = tok[2].rstrip(".")
            if word in cues.TITLES:
                last_title = i
                real_title = real_title or word not in cues.TITLE_MODIFIERS
            elif last_title >= 0:
                break
        if last_title < 0 or not real_title or last_title == len(seg) - 1:
            return None  # no title, or a name ending in one ("Martin Luther King")
        first_title = next(i for i, t in enumerate(seg) if t[2].rstrip(".") in cues.TITLES)
        rest = seg[last_title + 1 :]
        if rest[0][2] in ("of", "for"):
            # "Secretary of State Antony Blinken": the name is the name-shaped
            # tail after the office's object.
            tail = self._name_tail(rest[1:])
            if not tail:
                return None
            rest = tail
        elif any(t[2] in cues.CONNECTORS for t in rest):
            return None
        out: list[Result] = []
        if first_title > 0:
            out.extend(self.segment(ctx, seg[:first_title], False))
        if rest:
            name = ctx.text[rest[0][0] : rest[-1][1]]
            place = self.gaz.places.get(name)
            if place:  # "President Egypt" is not a person
                out.append((rest[0][0], rest[-1][1], place[0], place[1]))
            elif all(_nameish(t[2]) or _is_initial(t[2]) for t in rest):
                out.append((rest[0][0], rest[-1][1], "PERSON", ""))
            else:
                out.extend(self.segment(ctx, rest, False))
        return out

    def _name_tail(self, toks: list[Tok]) -> list[Tok]:
        """The last 2-3 tokens of ``toks`` when they look like a full name, else []."""
        if len(toks) < 3 or any(t[2] in cues.CONNECTORS for t in toks[-3:]):
            return []
        gaz = self.gaz
        k = 2
        third = toks[-3][2]
        if len(toks) >= 4 and (_is_initial(toks[-2][2]) or third in gaz.first_names):
            k = 3
        tail = toks[-k:]
        first = tail[0][2]
        if not all(_nameish(t[2]) or _is_initial(t[2]) for t in tail):
            return []
        if first in gaz.first_names or k == 3:
            return tail
        plain = not any(t[2].lower() in gaz.common for t in tail)
        return tail if plain else []

    def _multi(self, ctx: Context, seg: list[Tok], initial: bool) -> list[Result]:
        """Several capitalised words with no title, connector or organisation word."""
        gaz = self.gaz
        text = ctx.text
        start, end = seg[0][0], seg[-1][1]
        words = [t[2] for t in seg]
        first = words[0]
        if words[-1] in cues.NOT_ENTITY_SUFFIXES:
            return []  # "Hopman Cup", "Antiques Roadshow"
        if first in cues.COMPASS:
            compass = self._compass(ctx, seg)
            if compass:
                return compass
        if (
            first in gaz.demonyms
            or first in cues.NORP_NOUNS
            or (first in cues.NORP_EXTRA and first not in gaz.first_names)
        ):
            out: list[Result] = [(seg[0][0], seg[0][1], "NORP", "")]
            return out + self.segment(ctx, seg[1:], False)
        # "Georgiy Y. Borisenko": an initial between names.
        if any(_is_initial(w) for w in words[1:-1]) and _nameish(words[-1]):
            return [(start, end, "PERSON", "")]
        place_label = cues.PLACE_SUFFIXES.get(words[-1])
        if place_label:  # "Tahrir Square", "Nile River"
            return [(start, end, place_label, "")]
        common = [w.lower() in gaz.common for w in words]
        place_len = self._place_prefix(text, seg)
        if place_len:
            if first in gaz.first_names and _nameish(words[1]) and not common[1]:
                return [(start, end, "PERSON", "")]  # "Jordan Henderson"
            return [(start, end, "ORG", "")]  # "Washington Post", "Manchester United"
        if not (all(_nameish(w) for w in words) and len(words) <= 3):
            return [(start, end, None, "")]
        if first in gaz.first_names and not common[-1] and first not in gaz.places:
            return [(start, end, "PERSON", "")]
        if all(common):
            return []  # "Leave a Comment", "Be Social"
        if not any(common) and first not in gaz.places:
            return [(start, end, "PERSON", "")]
        if words[-1] in gaz.surnames and first in gaz.first_names:
            return [(start, end, "PERSON", "")]
        return [(start, end, None, "")]

    def _compass(self, ctx: Context, seg: list[Tok]) -> list[Result]:
        """"North Tyneside", "South Asian", "East Germany": a place or people."""
        start, end = seg[0][0], seg[-1][1]
        rest = ctx.text[seg[1][0] : end]
        place = self.gaz.places.get(rest)
        if place:
            return [(start, end, place[0], "")]
        if rest in self.gaz.demonyms or rest in cues.NORP_EXTRA:
            return [(start, end, "NORP", "")]
        if len(seg) == 2 and _nameish(rest) and rest.lower() not in self.gaz.common:
            return [(start, end, "GPE", "")]
        return []

    def _place_prefix(self, text: str, seg: list[Tok]) -> int:
        """How many leading tokens of ``seg`` form a known place (0 if none)."""
        for j in range(min(len(seg), self.gaz.max_place_words), 0, -1):
            if text[seg[0][0] : seg[j - 1][1]] in self.gaz.places:
                return j
        return 0

    def _single(self, ctx: Context, tok: Tok, initial: bool) -> list[Result]:
        """One capitalised word: demonym, hyphenated pair, or context."""
        gaz = self.gaz
        start, end, word = tok
        if word in gaz.demonyms or word in cues.NORP_EXTRA or word in cues.NORP_NOUNS:
            return [(start, end, "NORP", "")]
        if "-" in word:
            parts = self._hyphen_parts(tok)
            if parts:
                return parts
        if word.lower() in gaz.common or word in cues.TITLES or word in cues.ORG_SUFFIXES:
            return []
        if _is_initial(word):
            return []
        before = word_before(ctx.text, start)
        if before.lower() in cues.TITLES_LOWER or before.rstrip(".") in cues.TITLES:
            return [(start, end, "PERSON", "")]
        if (
            not initial
            and before in cues.PLACE_PREPOSITIONS
            and _nameish(word)
            and word_after(ctx.text, end).lower() not in cues.PERSON_VERBS_AFTER
        ):
            return [(start, end, "GPE", "")]
        return [(start, end, None, "")]

    def _hyphen_parts(self, tok: Tok) -> list[Result]:
        """"Egypt-Russia" or "Russian-Egyptian": each part is labelled."""
        start, _end, word = tok
        out: list[Result] = []
        pos = start
        for part in word.split("-"):
            if part in self.gaz.demonyms or part in cues.NORP_EXTRA:
                out.append((pos, pos + len(part), "NORP", ""))
            elif part in self.gaz.places:
                label, canonical = self.gaz.places[part]
                out.append((pos, pos + len(part), label, canonical))
            else:
                return []
            pos += len(part) + 1
        return out
