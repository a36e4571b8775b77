"""The entity sidebar with related articles but no entities of its own (it once crashed)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from newsreader.store.types import ArticleHeader
from newsreader.ui.widgets.entity_sidebar import EntitySidebar, RelatedOption


class SidebarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield EntitySidebar(id="sidebar")


async def test_related_shows_when_the_article_has_no_entities() -> None:
    app = SidebarApp()
    async with app.run_test(size=(40, 20)) as pilot:
        sidebar = app.query_one(EntitySidebar)
        sidebar.show_entities([])
        sidebar.show_related([ArticleHeader(7, "s", "Wire", "A related story", None, False, False)])
        await pilot.pause()
        prompts = [str(option.prompt) for option in sidebar.options]
        assert "No entities found." in prompts
        assert any(p.startswith("Related") for p in prompts)
        related = [o for o in sidebar.options if isinstance(o, RelatedOption)]
        assert [o.key for o in related] == [7]
