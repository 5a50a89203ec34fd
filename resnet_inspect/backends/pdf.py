"""PDF: the HTML page laid out on A4 by WeasyPrint (page numbers, repeated table headers, rows never cut
in half, figures scaled to the page).  Same document, same content as the HTML."""

from __future__ import annotations

from typing import Any

from ..document import Document
from ..errors import InspectError

NO_ENGINE = ("writing PDF needs WeasyPrint and the Pango library{detail}: run `pip install weasyprint` and "
             "`apt-get install libpango-1.0-0 libpangoft2-1.0-0` (macOS: brew install pango), or use --format html")


def engine() -> Any:
    """The ``weasyprint`` module, or an error saying how to install it."""
    try:
        import weasyprint
    except ImportError:
        raise InspectError(NO_ENGINE.format(detail=" (the weasyprint package is not installed)")) from None
    except OSError as e:  # the package is there but a shared library (Pango, GObject) is not
        raise InspectError(NO_ENGINE.format(detail=f" ({str(e).splitlines()[0][:80]})")) from None
    return weasyprint


def check() -> None:
    """Fail early, before any work, when PDF cannot be written."""
    engine()


def from_html(html: str) -> bytes:
    """A4 PDF bytes from a page of :func:`resnet_inspect.backends.html.render` (``paged=True``).

    Nothing is fetched: the page holds its CSS and figures, and the URL fetcher refuses everything but
    ``data:`` URIs.  The PDF carries no creation date, so the same page gives the same bytes.
    """
    weasyprint = engine()
    document = weasyprint.HTML(string=html, url_fetcher=_data_only(weasyprint), base_url=None).render()
    data: bytes = document.write_pdf()
    return data


def _data_only(weasyprint: Any) -> Any:
    """A URL fetcher that serves ``data:`` URIs and refuses everything else (WeasyPrint 70's class, or the
    function older versions take)."""
    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    if fetcher_class is not None:
        return fetcher_class(allowed_protocols={"data"}, fail_on_errors=True)

    def fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
        if url.startswith("data:"):
            return dict(weasyprint.default_url_fetcher(url))
        raise ValueError(f"refusing to fetch {url!r}: reports are self-contained")

    return fetch


def render_pdf(doc: Document) -> bytes:
    """A document as PDF bytes."""
    from .html import render

    return from_html(render(doc, paged=True))
