#!/usr/bin/env python3
"""Build ``sample_feeds/`` from the Wikinews news documents of the GUM corpus.

Why this exists: the app opens ``sample_feeds/`` on first launch, so it needs real,
redistributable news in every format the loader reads (plain text, Markdown, RSS 2.0,
Atom).  English Wikinews text is CC BY 2.5, and the GUM corpus (Zeldes 2017) keeps 24
Wikinews articles with their paragraph structure, headings, quotes, lists and link
targets as TEI markup inside CoNLL-U comments and the MISC column.  Rebuilding from GUM
rather than hand-editing keeps every sentence byte-identical to GUM's ``# text =`` line
(the script refuses to write anything if a sentence cannot be reproduced exactly).

Usage::

    python scripts/build_sample_feeds.py [--gum DIR] [--out DIR]

``--gum`` defaults to ``../shared/eval/ner/train/gum/dep`` beside the repository and
``--out`` to ``sample_feeds/``.  The seed article is copied byte for byte from
``../shared/corpus/articles/seed/``.  Output is deterministic (no wall-clock dates), so
re-running it on the same input gives the same bytes.  Standard library only.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape as html_escape
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT_GUM = SHARED / "eval" / "ner" / "train" / "gum" / "dep"
SEED = SHARED / "corpus" / "articles" / "seed" / "egypt-russia-2021.txt"

LICENCE_URL = "https://creativecommons.org/licenses/by/2.5/"
LICENCE_NAME = "CC BY 2.5"
GUM_CITATION = (
    'Zeldes, Amir (2017). "The GUM Corpus: Creating Multilayer Resources in the '
    'Classroom". Language Resources and Evaluation 51(3), 581-612. '
    "https://doi.org/10.1007/s10579-016-9343-x"
)
GUM_URL = "https://github.com/amir-zeldes/gum"

# Which GUM document goes where.  Chosen so that every format carries a mix of topics
# (politics, science, sport, business/technology, disasters, courts, culture) and lots
# of people, organisations and places for the entity highlighter.
TEXT_DOCS = {
    "GUM_news_election": "articles/wikinews-hong-kong-legislative-election-2016.txt",
    "GUM_news_soccer": "articles/wikinews-world-cup-2018-day-five.txt",
    "GUM_news_warming": "articles/wikinews-global-warming-ozone-crops-2014.txt",
}
MARKDOWN_DOCS = {
    "GUM_news_questionnaire": "articles/wikinews-uk-asylum-questionnaire-2023.md",
}
RSS_FILE = "feeds/wikinews-world.rss"
RSS_DOCS = [
    "GUM_news_sensitive",  # the only article with a list (its "Sources")
    "GUM_news_afghan",
    "GUM_news_asylum",
    "GUM_news_clock",
    "GUM_news_crane",
    "GUM_news_korea",
    "GUM_news_nasa",
    "GUM_news_taxes",
    "GUM_news_homeopathic",
    "GUM_news_lanterns",
]
ATOM_FILE = "feeds/wikinews-more.atom"
ATOM_DOCS = [
    "GUM_news_defector",
    "GUM_news_expo",
    "GUM_news_flag",
    "GUM_news_hackers",
    "GUM_news_imprisoned",
    "GUM_news_iodine",
    "GUM_news_ie9",
    "GUM_news_stampede",
    "GUM_news_warhol",
    "GUM_news_worship",
]
SEED_OUT = "articles/egypt-russia-2021.txt"


class BuildError(Exception):
    """The input does not look like what this script was written for."""


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Tag:
    """One TEI tag from GUM's ``XML=`` MISC field (``<ref target:::"...">``)."""

    name: str
    closing: bool
    attrs: dict[str, str]


@dataclass
class Token:
    """A surface word as printed, with the TEI tags that open before / close after it."""

    form: str
    space_after: bool
    opens: list[Tag] = field(default_factory=list)
    closes: list[Tag] = field(default_factory=list)


@dataclass
class Sentence:
    text: str  # GUM's ``# text =`` line, the reference the tokens must reproduce
    tokens: list[Token]
    blocks: list[tuple[str, dict[str, str], int]]  # from ``# newpar_block``; [] if none


@dataclass
class Document:
    doc_id: str
    meta: dict[str, str]
    sentences: list[Sentence]

    @property
    def title(self) -> str:
        return self.meta["title"]

    @property
    def url(self) -> str:
        return self.meta["sourceURL"]

    def date(self, key: str) -> datetime:
        """A ``meta::date*`` value as midnight UTC (GUM gives days, not times)."""
        return datetime.strptime(self.meta[key], "%Y-%m-%d").replace(tzinfo=UTC)


_TAG_RE = re.compile(r'<(/?)([A-Za-z]+)((?:\s+[A-Za-z]+:::"[^"]*")*)\s*>')
_ATTR_RE = re.compile(r'([A-Za-z]+):::"([^"]*)"')
_XML_FIELD_RE = re.compile(r"(?:^|\|)XML=((?:<[^>]*>)+)")
_BLOCK_RE = re.compile(r'([A-Za-z]+)((?:\s+[A-Za-z]+:::"[^"]*")*)\s+\((\d+) s\)')


def _parse_tags(misc: str) -> list[Tag]:
    match = _XML_FIELD_RE.search(misc)
    if not match:
        return []
    tags = []
    for tag in _TAG_RE.finditer(match.group(1)):
        attrs = dict(_ATTR_RE.findall(tag.group(3)))
        tags.append(Tag(tag.group(2), tag.group(1) == "/", attrs))
    return tags


def _split_tags(tags: list[Tag], where: str) -> tuple[list[Tag], list[Tag]]:
    """Opening tags go before a token, closing tags after it, in the order given."""
    opens = [t for t in tags if not t.closing]
    closes = [t for t in tags if t.closing]
    first_close = next((i for i, t in enumerate(tags) if t.closing), len(tags))
    if any(not t.closing for t in tags[first_close:]):
        raise BuildError(f"{where}: an opening tag follows a closing one; cannot place it")
    return opens, closes


def _place_multiword(word: Token, parts: list[Token]) -> list[Token]:
    """Keep a link on "Sunak" from swallowing the "'s" of "Sunak's".

    When the printed word is exactly its parts run together, the parts are emitted
    as tokens with no space between them; otherwise the printed word is emitted once,
    wrapped in all its parts' tags.
    """
    if "".join(p.form for p in parts) == word.form:
        parts[-1].space_after = word.space_after
        return parts
    for part in parts:
        word.opens.extend(part.opens)
        word.closes.extend(part.closes)
    return [word]


def parse_conllu(path: Path) -> Document:
    """Read one GUM CoNLL-U file: metadata, sentences, block structure, inline tags."""
    meta: dict[str, str] = {}
    sentences: list[Sentence] = []
    text = ""
    blocks: list[tuple[str, dict[str, str], int]] = []
    tokens: list[Token] = []
    mwt_end = 0  # last word id covered by the current multi-word token
    mwt: Token | None = None
    parts: list[Token] = []  # the syntactic words of the current multi-word token
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{lineno}"
        if line.startswith("# meta::"):
            key, _, value = line[len("# meta::") :].partition(" = ")
            meta[key] = value
        elif line.startswith("# newpar_block = "):
            spec = line[len("# newpar_block = ") :]
            blocks = [
                (m.group(1), dict(_ATTR_RE.findall(m.group(2))), int(m.group(3)))
                for m in _BLOCK_RE.finditer(spec)
            ]
            if len(blocks) != spec.count(" s)"):
                raise BuildError(f"{where}: cannot read block spec {spec!r}")
        elif line.startswith("# text = "):
            text = line[len("# text = ") :]
        elif line.startswith("#"):
            continue
        elif not line.strip():
            if tokens:
                sentences.append(Sentence(text, tokens, blocks))
            tokens, blocks, text, mwt_end, mwt = [], [], "", 0, None
        else:
            cols = line.split("\t")
            if len(cols) != 10:
                raise BuildError(f"{where}: expected 10 columns")
            word_id, form, misc = cols[0], cols[1], cols[9]
            if "." in word_id:  # empty nodes carry no surface text
                continue
            space_after = "SpaceAfter=No" not in misc.split("|")
            if "-" in word_id:
                _, end = word_id.split("-")
                mwt_end = int(end)
                mwt = Token(form, space_after)
                parts = []
                continue
            opens, closes = _split_tags(_parse_tags(misc), where)
            if mwt is not None:
                parts.append(Token(form, False, opens, closes))
                if int(word_id) == mwt_end:
                    tokens.extend(_place_multiword(mwt, parts))
                    mwt = None
                continue
            tokens.append(Token(form, space_after, opens, closes))
    if tokens:
        sentences.append(Sentence(text, tokens, blocks))
    for key in ("title", "sourceURL", "dateCreated", "dateModified", "author"):
        if key not in meta:
            raise BuildError(f"{path.name}: no meta::{key}")
    doc = Document(path.stem, meta, sentences)
    for sent in doc.sentences:
        if detokenise(sent.tokens) != sent.text:
            raise BuildError(
                f"{path.name}: sentence does not round-trip:\n"
                f"  GUM : {sent.text!r}\n  ours: {detokenise(sent.tokens)!r}"
            )
    return doc


def detokenise(tokens: list[Token]) -> str:
    """Join tokens using GUM's ``SpaceAfter=No`` marks."""
    out = []
    for tok in tokens:
        out.append(tok.form)
        if tok.space_after:
            out.append(" ")
    return "".join(out).rstrip(" ")


# ---------------------------------------------------------------- block structure


@dataclass
class Node:
    """A TEI block (``p``, ``head``, ``quote``, ``figure``, ``list``, ...) of a document."""

    name: str
    attrs: dict[str, str]
    remaining: int
    children: list[Node | Sentence] = field(default_factory=list)


def build_tree(doc: Document) -> Node:
    """Nest the blocks: ``# newpar_block`` lists the blocks opening at a sentence,
    outermost first, each with the number of sentences it spans (nested ones included)."""
    root = Node("root", {}, -1)
    stack: list[Node] = [root]
    for sent in doc.sentences:
        for name, attrs, count in sent.blocks:
            node = Node(name, attrs, count)
            stack[-1].children.append(node)
            if count:
                stack.append(node)
        stack[-1].children.append(sent)
        for node in stack[1:]:
            node.remaining -= 1
        while len(stack) > 1 and stack[-1].remaining == 0:
            stack.pop()
        if any(node.remaining < 0 for node in stack[1:]):
            raise BuildError(f"{doc.doc_id}: block counts do not add up")
    if len(stack) != 1:
        raise BuildError(f"{doc.doc_id}: blocks left open at the end")
    return root


@dataclass
class Block:
    """A flat unit of output: one paragraph-like run of sentences."""

    kind: str  # head | p | quote | item | caption | categories
    sentences: list[Sentence]
    list_id: int = 0  # items of the same <list> share an id


def flatten(root: Node) -> list[Block]:
    """Turn the block tree into an ordered list of paragraphs.

    Why figures are deferred: Wikinews floats images inside paragraphs; emitting the
    caption where it sits would cut a paragraph in two.  Quotes and lists are kept in
    place because the surrounding sentences introduce them ("He said, ...").
    """
    blocks: list[Block] = []
    list_counter = 0

    def sentences_of(node: Node) -> list[Sentence]:
        out: list[Sentence] = []
        for child in node.children:
            out.extend([child] if isinstance(child, Sentence) else sentences_of(child))
        return out

    def walk(node: Node, kind: str, list_id: int) -> None:
        nonlocal list_counter
        run: list[Sentence] = []
        deferred: list[Block] = []

        def end_run() -> None:
            if run:
                blocks.append(Block(kind, list(run), list_id))
                run.clear()
            blocks.extend(deferred)
            deferred.clear()

        for child in node.children:
            if isinstance(child, Sentence):
                run.append(child)
            elif child.name == "figure":
                caption = sentences_of(child)
                if caption:
                    deferred.append(Block("caption", caption))
                if not run:
                    end_run()
            elif child.name == "list":
                end_run()
                list_counter += 1
                walk(child, "item", list_counter)
            elif child.name in ("head", "quote", "item"):
                end_run()
                walk(child, child.name, list_id)
            elif child.name == "p":
                end_run()
                walk(child, kind, list_id)  # a <p> inside an <item> is still the item
            elif child.name == "caption":
                end_run()
                walk(child, "caption", list_id)
            else:
                raise BuildError(f"unknown block <{child.name}>")
        end_run()

    walk(root, "p", 0)
    # Wikinews' category box ends up as one paragraph of one-word "sentences".
    for block in blocks:
        if block.kind == "p" and block.sentences[0].text == "Categories:":
            block.kind = "categories"
    return blocks


@dataclass
class Article:
    doc: Document
    date_line: str
    body: list[Block]  # without the title heading and the date line
    categories: list[str]


def read_article(doc: Document) -> Article:
    blocks = flatten(build_tree(doc))
    if not blocks or blocks[0].kind != "head" or blocks[0].sentences[0].text != doc.title:
        raise BuildError(f"{doc.doc_id}: expected the title as the first heading")
    if len(blocks) < 2 or not re.fullmatch(
        r"[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}", blocks[1].sentences[0].text
    ):
        raise BuildError(f"{doc.doc_id}: expected a date line after the title")
    date_block = blocks[1]
    body = blocks[2:]
    if len(date_block.sentences) > 1:  # GUM_news_flag: the lead shares the date's <p>
        body.insert(0, Block("p", date_block.sentences[1:]))
    categories: list[str] = []
    for block in [b for b in body if b.kind == "categories"]:
        categories.extend(s.text for s in block.sentences[1:])
        body.remove(block)
    return Article(doc, date_block.sentences[0].text, body, categories)


# ------------------------------------------------------------------------ rendering


def _safe_href(target: str) -> str | None:
    """Percent-encode spaces and non-ASCII in a GUM link target; only http(s) survives."""
    href = quote(target, safe=":/?#[]@!$&'()*+,;=%~")
    return href if urlsplit(href).scheme in ("http", "https") else None


def _html_for(tag: Tag) -> tuple[str, str]:
    """The HTML start/end strings for a TEI inline tag ('' for tags shown as plain text)."""
    if tag.name == "ref" and "target" in tag.attrs:
        href = _safe_href(tag.attrs["target"])
        if href:
            return f'<a href="{html_escape(href)}">', "</a>"
    if tag.name == "hi":
        rend = tag.attrs.get("rend", "")
        if "italic" in rend:
            return "<i>", "</i>"
        if "bold" in rend:
            return "<b>", "</b>"
    return "", ""


def inline_html(sentences: list[Sentence]) -> str:
    """Sentences of one paragraph as HTML: text escaped, links and emphasis kept."""
    out: list[str] = []
    stack: list[tuple[str, str, str]] = []  # (tei name, html start, html end)
    for i, sent in enumerate(sentences):
        if i:
            out.append(" ")
        for tok in sent.tokens:
            for tag in tok.opens:
                start, end = _html_for(tag)
                out.append(start)
                stack.append((tag.name, start, end))
            out.append(html_escape(tok.form, quote=False))
            for tag in tok.closes:
                idx = max((j for j, s in enumerate(stack) if s[0] == tag.name), default=-1)
                if idx < 0:
                    continue  # closes something opened in an earlier paragraph
                above = stack[idx + 1 :]
                out.extend(s[2] for s in reversed(above))
                out.append(stack[idx][2])
                del stack[idx:]
                for s in above:  # re-open what was mis-nested
                    out.append(s[1])
                    stack.append(s)
            if tok.space_after:
                out.append(" ")
        if out and out[-1] == " ":
            out.pop()  # sentences are joined with exactly one space
    return "".join(out) + "".join(s[2] for s in reversed(stack))


def plain(sentences: list[Sentence]) -> str:
    return " ".join(s.text for s in sentences)


def to_html(article: Article) -> str:
    """The article body as the HTML a publisher would put in ``content:encoded``."""
    parts = [f"<p>{html_escape(article.date_line, quote=False)}</p>"]
    open_list = 0
    for block in article.body:
        if open_list and block.list_id != open_list:
            parts.append("</ul>")
            open_list = 0
        body = inline_html(block.sentences)
        if block.kind == "item":
            if not open_list:
                parts.append("<ul>")
                open_list = block.list_id
            parts.append(f"<li>{body}</li>")
        elif block.kind == "head":
            parts.append(f"<h3>{body}</h3>")
        elif block.kind == "quote":
            parts.append(f"<blockquote><p>{body}</p></blockquote>")
        elif block.kind == "caption":
            parts.append(f"<figure><figcaption>{body}</figcaption></figure>")
        else:
            parts.append(f"<p>{body}</p>")
    if open_list:
        parts.append("</ul>")
    return "\n".join(parts)


def to_text(article: Article) -> str:
    """Seed-like plain text: title, date line, then one block per paragraph.

    Captions are left out: they describe pictures that are not here, and a caption
    read as a body paragraph confuses both the reader and the entity tagger.
    """
    blocks = [article.doc.title, article.date_line]
    blocks.extend(plain(b.sentences) for b in article.body if b.kind != "caption")
    return "\n\n".join(blocks) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _inline_md(sentences: list[Sentence]) -> str:
    out: list[str] = []
    stack: list[tuple[str, str, str]] = []
    for i, sent in enumerate(sentences):
        if i:
            out.append(" ")
        for tok in sent.tokens:
            for tag in tok.opens:
                start = end = ""
                if tag.name == "ref" and "target" in tag.attrs:
                    href = _safe_href(tag.attrs["target"])
                    if href:
                        start, end = "[", f"]({href.replace(')', '%29').replace('(', '%28')})"
                out.append(start)
                stack.append((tag.name, start, end))
            out.append(_md_escape(tok.form))
            for tag in tok.closes:
                idx = max((j for j, s in enumerate(stack) if s[0] == tag.name), default=-1)
                if idx >= 0:
                    out.extend(s[2] for s in reversed(stack[idx:]))
                    del stack[idx:]  # links never nest in these documents
            if tok.space_after:
                out.append(" ")
        if out and out[-1] == " ":
            out.pop()
    return "".join(out) + "".join(s[2] for s in reversed(stack))


def to_markdown(article: Article) -> str:
    blocks = [f"# {_md_escape(article.doc.title)}", _md_escape(article.date_line)]
    for block in article.body:
        text = _inline_md(block.sentences)
        if block.kind == "head":
            blocks.append(f"## {text}")
        elif block.kind == "quote":
            blocks.append(f"> {text}")
        elif block.kind == "item":
            blocks.append(f"- {text}")
        elif block.kind != "caption":
            blocks.append(text)
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------- feeds


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _summary(article: Article) -> str:
    first = next(b for b in article.body if b.kind == "p")
    return plain(first.sentences)


def _rss_date(when: datetime) -> str:
    return format_datetime(when)  # RFC 2822, "+0000" for UTC


def _atom_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_rss(articles: list[Article]) -> str:
    articles = sorted(articles, key=lambda a: a.doc.date("dateCreated"), reverse=True)
    newest = max(a.doc.date("dateModified") for a in articles)
    e = xml_escape
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        "  <title>Wikinews (sample, via GUM corpus)</title>",
        "  <link>https://en.wikinews.org/wiki/Main_Page</link>",
        "  <description>Ten English Wikinews articles (2006-2017) taken from the GUM corpus "
        "and packaged as an RSS 2.0 feed for newsreader's first-launch samples. Text by "
        f"Wikinews contributors, {LICENCE_NAME}.</description>",
        "  <language>en</language>",
        f"  <copyright>Wikinews contributors, {LICENCE_NAME} ({LICENCE_URL})</copyright>",
        f"  <lastBuildDate>{_rss_date(newest)}</lastBuildDate>",
        "  <generator>newsreader scripts/build_sample_feeds.py</generator>",
        "  <docs>https://www.rssboard.org/rss-specification</docs>",
    ]
    for art in articles:
        doc = art.doc
        lines += [
            "  <item>",
            f"    <title>{e(doc.title)}</title>",
            f"    <link>{e(doc.url)}</link>",
            f'    <guid isPermaLink="true">{e(doc.url)}</guid>',
            f"    <pubDate>{_rss_date(doc.date('dateCreated'))}</pubDate>",
            f"    <dc:creator>{e(doc.meta['author'])}</dc:creator>",
        ]
        lines += [f"    <category>{e(c)}</category>" for c in art.categories]
        lines += [
            f"    <description>{e(_summary(art))}</description>",
            f"    <content:encoded>{_cdata(to_html(art))}</content:encoded>",
            "  </item>",
        ]
    lines += ["</channel>", "</rss>"]
    return "\n".join(lines) + "\n"


def build_atom(articles: list[Article]) -> str:
    articles = sorted(articles, key=lambda a: a.doc.date("dateCreated"), reverse=True)
    newest = max(a.doc.date("dateModified") for a in articles)
    feed_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{GUM_URL}#newsreader-sample-atom")
    e = xml_escape
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        "  <title>Wikinews: more stories (sample, via GUM corpus)</title>",
        "  <subtitle>Ten English Wikinews articles (2006-2023) taken from the GUM corpus and "
        "packaged as an Atom feed for newsreader's first-launch samples.</subtitle>",
        '  <link rel="alternate" type="text/html" href="https://en.wikinews.org/wiki/Main_Page"/>',
        f"  <id>urn:uuid:{feed_id}</id>",
        f"  <updated>{_atom_date(newest)}</updated>",
        f"  <rights>Text: Wikinews contributors, {LICENCE_NAME} ({LICENCE_URL})</rights>",
        "  <generator>newsreader scripts/build_sample_feeds.py</generator>",
    ]
    for art in articles:
        doc = art.doc
        lines += [
            "  <entry>",
            f"    <title>{e(doc.title)}</title>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(doc.url)}/>',
            f"    <id>{e(doc.url)}</id>",
            f"    <published>{_atom_date(doc.date('dateCreated'))}</published>",
            f"    <updated>{_atom_date(doc.date('dateModified'))}</updated>",
            "    <author>",
            f"      <name>{e(doc.meta['author'])}</name>",
            "      <uri>https://en.wikinews.org/</uri>",
            "    </author>",
        ]
        lines += [f"    <category term={quoteattr(c)}/>" for c in art.categories]
        lines += [
            f'    <summary type="text">{e(_summary(art))}</summary>',
            f'    <content type="html">{e(to_html(art))}</content>',
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- README


def _attribution(art: Article, where: str, changes: str) -> str:
    doc = art.doc
    return (
        f"- **{_md_escape(doc.title)}** ({doc.meta['dateCreated']}) - in `{where}`.  \n"
        f"  Wikinews contributors, <{doc.url}>, licensed [{LICENCE_NAME}]({LICENCE_URL}). "
        f"{changes}"
    )


def build_readme(
    text_arts: list[tuple[Article, str]],
    md_arts: list[tuple[Article, str]],
    rss_arts: list[Article],
    atom_arts: list[Article],
) -> str:
    txt_change = (
        "Converted to plain text from GUM's copy; sentence text unchanged; pictures and "
        "their captions left out."
    )
    md_change = (
        "Converted to Markdown from GUM's copy (links kept, Markdown characters "
        "backslash-escaped); sentence text unchanged; pictures and captions left out."
    )
    feed_change = (
        "Converted to an HTML feed item from GUM's copy (paragraphs, headings, quotes, "
        "lists and links kept; pictures left out, their captions kept as `<figcaption>`); "
        "sentence text unchanged."
    )
    out = [
        "# sample_feeds - what newsreader opens on first launch",
        "",
        "Run with no arguments and no subscriptions, newsreader reads this folder "
        "recursively. It holds real news articles in every format the loader understands. "
        "Everything except the seed article is generated by `scripts/build_sample_feeds.py` "
        "(run it again to rebuild; the output is deterministic). Files named README*, "
        "LICENSE* and SOURCES* are skipped by the loader.",
        "",
        "| file | format | items | source | licence |",
        "|---|---|---:|---|---|",
        f"| `{SEED_OUT}` | plain text (Egypt Today export) | 1 | the project's seed article "
        "(copied byte for byte from `shared/corpus/articles/seed/`) | not stated by the "
        "publisher (Egypt Today); shipped as the project's own seed |",
    ]
    for art, path in text_arts:
        out.append(
            f"| `{path}` | plain text (title, date line, paragraphs) | 1 | "
            f"Wikinews via GUM (`{art.doc.doc_id}`) | {LICENCE_NAME} |"
        )
    for art, path in md_arts:
        out.append(
            f"| `{path}` | Markdown (`# Title`) | 1 | Wikinews via GUM (`{art.doc.doc_id}`) "
            f"| {LICENCE_NAME} |"
        )
    out += [
        f"| `{RSS_FILE}` | RSS 2.0, full HTML in `content:encoded` | {len(rss_arts)} | "
        f"Wikinews via GUM | {LICENCE_NAME} |",
        f"| `{ATOM_FILE}` | Atom 1.0, HTML `content` | {len(atom_arts)} | Wikinews via GUM | "
        f"{LICENCE_NAME} |",
        "",
        "## The seed article",
        "",
        f'`{SEED_OUT}` is the article the project started from ("Egypt, Russia to reach '
        'combat extremist activities agreement", Egypt Today, 26 December 2021). It is kept '
        "byte for byte, quirks included (repeated date line and caption, U+00A0 after the "
        'dateline, trailing "Leave a Comment / Be Social", no final newline), because it is '
        "the format the loader's seed rules were written for. Its publisher states no "
        "licence; it is here as the project's seed, not as redistributable content.",
        "",
        "## Where the Wikinews articles come from",
        "",
        "All other articles are English Wikinews news articles as kept in the **GUM corpus** "
        f"({GUM_URL}, commit 72ce5ac14978a324c2fd18d49484e65292cbe316 of 2025-05-12, "
        "`dep/GUM_news_*.conllu`). GUM's licence file "
        "says the Wikinews texts are under "
        f"[{LICENCE_NAME}]({LICENCE_URL}) (source: "
        "https://en.wikinews.org/wiki/Wikinews:Copyright); GUM's annotations are CC BY 4.0.",
        "",
        "Please cite GUM as: " + GUM_CITATION + ".",
        "",
        "How they were made (`scripts/build_sample_feeds.py`):",
        "",
        "- Every sentence is GUM's `# text =` line, rebuilt from the tokens with "
        "`SpaceAfter=No`; the script stops if any sentence does not come out identical. "
        "Sentences of one paragraph are joined with a single space. Spelling, typos "
        '(GUM marks them `<sic>`) and spacing such as "1 – 0" are left exactly as in GUM, '
        "which may differ slightly from today's Wikinews page.",
        "- Paragraphs, headings, quotations, the one list and link targets come from GUM's "
        "TEI markup (`# newpar_block`, `XML=` in MISC). Pictures are not included; their "
        "captions appear only in the feeds, as `<figure><figcaption>`.",
        "- The first heading (the title) becomes the file's title line / `# heading` / "
        '`<title>`; the date line under it ("Friday, September 9, 2016") is kept as the '
        "second block / first HTML paragraph.",
        "- Feed dates: `pubDate` / `<published>` = GUM `dateCreated`, Atom `<updated>` = GUM "
        "`dateModified`, both at 00:00 UTC because GUM gives no time of day. Three articles' "
        "date lines differ from `dateCreated` (afghan: 18 vs 21 July 2017; soccer: 18 vs 19 "
        "June 2018; imprisoned: created 2011-12-02 but its date line says 7 May 2015); the "
        "text keeps the date line as written.",
        '- Author: "Wikinews" (GUM `meta::author`); links and guids/ids: the article\'s '
        "Wikinews URL (GUM `meta::sourceURL`). The Wikinews category box of one article "
        '("Sensitive Canadian document ...") became RSS `<category>` elements.',
        "",
        "## Attribution (CC BY 2.5)",
        "",
        "Each article: title, author, source, licence, and what was changed.",
        "",
    ]
    for art, path in text_arts:
        out.append(_attribution(art, path, txt_change))
    for art, path in md_arts:
        out.append(_attribution(art, path, md_change))
    for art in rss_arts:
        out.append(_attribution(art, RSS_FILE, feed_change))
    for art in atom_arts:
        out.append(_attribution(art, ATOM_FILE, feed_change))
    out += [
        "",
        "The feeds' channel/feed metadata (titles such as \"Wikinews (sample, via GUM "
        'corpus)", descriptions, generator) was written by the newsreader project and is '
        "not Wikinews' own feed.",
        "",
    ]
    return "\n".join(out)


# ----------------------------------------------------------------------------- main


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gum", type=Path, default=DEFAULT_GUM, help="GUM dep/ folder")
    parser.add_argument("--seed", type=Path, default=SEED, help="the seed article")
    parser.add_argument("--out", type=Path, default=REPO / "sample_feeds", help="output dir")
    args = parser.parse_args(argv)

    wanted = [*TEXT_DOCS, *MARKDOWN_DOCS, *RSS_DOCS, *ATOM_DOCS]
    if len(set(wanted)) != len(wanted):
        print("error: a GUM document is used twice", file=sys.stderr)
        return 2
    try:
        articles = {d: read_article(parse_conllu(args.gum / f"{d}.conllu")) for d in wanted}
    except (OSError, BuildError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    out: Path = args.out
    try:
        (out / SEED_OUT).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.seed, out / SEED_OUT)
    except OSError as exc:
        print(f"error: cannot copy the seed article: {exc}", file=sys.stderr)
        return 1
    text_arts = [(articles[d], p) for d, p in TEXT_DOCS.items()]
    md_arts = [(articles[d], p) for d, p in MARKDOWN_DOCS.items()]
    for art, path in text_arts:
        write(out / path, to_text(art))
    for art, path in md_arts:
        write(out / path, to_markdown(art))
    rss_arts = [articles[d] for d in RSS_DOCS]
    atom_arts = [articles[d] for d in ATOM_DOCS]
    write(out / RSS_FILE, build_rss(rss_arts))
    write(out / ATOM_FILE, build_atom(atom_arts))
    write(out / "README.md", build_readme(text_arts, md_arts, rss_arts, atom_arts))
    print(f"wrote {len(wanted) + 1} articles into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
