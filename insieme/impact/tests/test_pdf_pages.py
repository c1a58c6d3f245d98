"""The PDF reports as a reader sees them: each page drawn as an image (pdftoppm, from Debian's
poppler-utils: `scripts/ensure-poppler`, run by `make test`), then looked at.

- No table runs off the page: the strips along the left and right edges (inside the page margin)
  stay white on every page. The defect: the table of the yearly trend was cut off at the right.
- The bar charts are drawn in the project's palette (the dashboard's colours), not in black.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from insieme.impact import figures_export
from insieme.impact.dashboard.cells import PALETTE
from insieme.impact.demo import load_demo_programme
from insieme.impact.figures import Filters, compute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pdftoppm():
    """`make test` installs it; a missing tool fails here rather than skip the page checks."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("needs pdftoppm: run scripts/ensure-poppler")


DPI = 40
EDGE_MM = 10  # the pages' side margins are 16 mm (report_pdf.html, figures_export.to_html)
WHITE = 245


class Page:
    """One page as an RGB image (a binary PPM from pdftoppm)."""

    def __init__(self, data: bytes) -> None:
        magic, width, height, _top, pixels = data.split(maxsplit=4)
        assert magic == b"P6"
        self.width, self.height, self.pixels = int(width), int(height), pixels

    def rgb(self, x: int, y: int) -> tuple[int, int, int]:
        i = 3 * (y * self.width + x)
        return self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]

    def inked_at_the_edges(self) -> list[tuple[int, int]]:
        """Points that are not white in the strips along the left and right edges."""
        edge = round(EDGE_MM / 25.4 * DPI)
        columns = [*range(edge), *range(self.width - edge, self.width)]
        return [(x, y) for y in range(self.height) for x in columns if min(self.rgb(x, y)) < WHITE]

    def colours(self) -> set[tuple[int, int, int]]:
        return {self.rgb(x, y) for y in range(0, self.height, 2) for x in range(0, self.width, 2)}


def pages(pdf: bytes, tmp_path: Path) -> list[Page]:
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), str(source), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    return [Page(path.read_bytes()) for path in sorted(tmp_path.glob("page-*.ppm"))]


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def near(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) <= 12 for x, y in zip(a, b, strict=True))


@pytest.fixture
def demo(db):
    load_demo_programme()


def assert_nothing_runs_off(drawn: list[Page], name: str) -> None:
    assert drawn, name
    for number, page in enumerate(drawn, start=1):
        inked = page.inked_at_the_edges()
        assert not inked, f"{name}, page {number}: content at the page's edge, e.g. {inked[:3]}"


def test_the_check_sees_a_table_cut_off_at_the_edge(tmp_path):
    from weasyprint import HTML

    cells = "".join(f"<td>colonna numero {n}</td>" for n in range(30))
    wide = f"<table><tr>{cells}</tr></table>"
    drawn = pages(HTML(string=f"<body>{wide}</body>").write_pdf(), tmp_path)
    assert drawn[0].inked_at_the_edges()


@pytest.mark.parametrize("role", ["operator", "funder"])
def test_the_dashboard_report_fits_its_pages(client_as, cast, demo, tmp_path, role):
    response = client_as(cast[role]).get(reverse("impact:report_pdf"))
    drawn = pages(response.content, tmp_path)
    assert_nothing_runs_off(drawn, f"cruscotto ({role})")


def test_the_impact_report_fits_its_pages(demo, tmp_path):
    drawn = pages(figures_export.to_pdf(compute(Filters())), tmp_path)
    assert_nothing_runs_off(drawn, "impact_report --format pdf")


def test_the_bar_charts_are_in_the_palette(client_as, operator, demo, tmp_path):
    drawn = pages(client_as(operator).get(reverse("impact:report_pdf")).content, tmp_path)
    seen = set().union(*(page.colours() for page in drawn))
    # The first colours of the palette, each used by a chart of more than one series.
    for colour in PALETTE[1:3]:
        assert any(near(hex_rgb(colour), pixel) for pixel in seen), colour
    assert not any(near((0, 0, 0), pixel) for pixel in seen), "black bars"
