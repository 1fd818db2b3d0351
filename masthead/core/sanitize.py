"""Everything that came from outside or from a member is HTML we did not write.

Two policies, each a single nh3 cleaner built once:

- story bodies: the structure a news article needs (paragraphs, subheadings, quotes, lists,
  links, emphasis) and nothing that executes, loads, or styles;
- comments: a Markdown subset rendered to HTML, then cleaned with a narrower policy.

A story body leaving the site in a feed is cleaned once more with the story policy, its
relative links made absolute (``story_html_for_feed``): a feed reader reads it elsewhere.

The output of these functions is the only HTML Masthead marks safe in templates.
"""

from __future__ import annotations

import re
import unicodedata
from contextvars import ContextVar
from functools import cache
from typing import Any
from urllib.parse import urljoin

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

URL_SCHEMES = {"http", "https", "mailto"}

STORY_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "br",
    "hr",
    "cite",
    "q",
    "sup",
    "sub",
    "abbr",
    "s",
}
STORY_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}

COMMENT_TAGS = {"p", "a", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "br"}
COMMENT_ATTRIBUTES = {"a": {"href"}}

# Content of these tags is dropped, not unwrapped: their text is not prose.
DROP_WITH_CONTENT = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "title",
    "textarea",
    "select",
    "noembed",
    "noframes",
    "xmp",
}


_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.IGNORECASE)


def _relative_url(url: str) -> str | None:
    """Keep a relative URL only if it is one. nh3 checks the scheme of URLs it can parse as
    absolute; "\u2028javascript:..." or "java\x01script:..." do not parse, so they would pass
    as relative, and some parsers read them as the scheme they spell once the invisible
    characters are gone."""
    visible = "".join(
        ch for ch in url if not ch.isspace() and unicodedata.category(ch) not in {"Cc", "Cf"}
    )
    if _SCHEME.match(visible) or any(unicodedata.category(ch) == "Cc" for ch in url):
        return None
    return url


def _story_policy() -> dict[str, Any]:
    return {
        "tags": STORY_TAGS,
        "clean_content_tags": DROP_WITH_CONTENT,
        "attributes": STORY_ATTRIBUTES,
        "url_schemes": URL_SCHEMES,
        "url_relative": _relative_url,
        "link_rel": "noopener noreferrer",
        "strip_comments": True,
    }


@cache
def _story_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(**_story_policy())


# The story's absolute URL while story_html_for_feed cleans its body (one cleaner for all).
_feed_base: ContextVar[str] = ContextVar("feed_base")


def _absolute_link(element: str, attribute: str, value: str) -> str | None:
    if attribute in {"href", "cite"} and _relative_url(value) is not None:
        return urljoin(_feed_base.get(), value)
    return value


@cache
def _feed_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(**_story_policy(), attribute_filter=_absolute_link)


@cache
def _comment_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=COMMENT_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative=_relative_url,
        # Members' links earn no search-engine credit and cannot reach back to this page.
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )


def clean_story_html(html: str) -> str:
    """Story body HTML reduced to Masthead's article structure."""
    return _story_cleaner().clean(html).strip()


def story_html_for_feed(html: str, *, base_url: str) -> str:
    """A story body as a feed carries it: cleaned with the story policy, then its relative
    links (``href``, ``cite``) resolved against ``base_url``, the story's absolute URL."""
    token = _feed_base.set(base_url)
    try:
        return _feed_cleaner().clean(clean_story_html(html)).strip()
    finally:
        _feed_base.reset(token)


@cache
def _story_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable("linkify")
    md.disable(["image", "table"], ignoreInvalid=True)
    return md


def story_body_from_input(text: str) -> str:
    """A curator's body text as clean HTML: HTML is cleaned as it is, anything else is read
    as Markdown (## subheading, > quote, lists, links) and then cleaned."""
    if nh3.is_html(text):
        return clean_story_html(text)
    html = _story_markdown().render(text)
    # A story's h1 is its headline; the body's top heading level is h2.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return clean_story_html(html)


# "@handle" in a comment: a member's handle (3 to 30 letters, digits, underscores), not the
# middle of an e-mail address or of another word. Notifications find mentions with it too.
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})\b")


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link_mentions(state: Any) -> None:
    """A markdown-it core rule: each @handle in a comment's text links to the profile page
    (``/@handle``), except inside a link or code, which are not text tokens of their own."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or in_link or "@" not in token.content:
                children.append(token)
                continue
            text, at = token.content, 0
            for match in MENTION.finditer(text):
                if match.start() > at:
                    children.append(_text_token(text[at : match.start()]))
                opening = Token("link_open", "a", 1)
                opening.attrs = {"href": "/@" + match.group(1)}
                children += [
                    opening,
                    _text_token(match.group(0)),
                    Token("link_close", "a", -1),
                ]
                at = match.end()
            if at < len(text):
                children.append(_text_token(text[at:]))
        block.children = children


@cache
def _comment_markdown() -> MarkdownIt:
    # The subset: paragraphs, emphasis, links (also bare URLs), inline code and code blocks,
    # quotes and lists. No raw HTML, images, headings, tables or rules: a comment is prose.
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable("linkify")
    md.disable(
        ["image", "heading", "lheading", "hr", "html_block", "html_inline", "table"],
        ignoreInvalid=True,
    )
    md.core.ruler.push("mentions", _link_mentions)  # after linkify: its links are not text
    return md


def render_comment_markdown(text: str) -> str:
    """A comment's Markdown as sanitized HTML, ready to store."""
    return _comment_cleaner().clean(_comment_markdown().render(text)).strip()


def trusted(html: str) -> Markup:
    """Mark HTML safe for templates. Only for the output of the cleaners above."""
    return Markup(html)  # noqa: S704 - callers pass cleaned HTML only
