"""The results as a console table and as docs/performance.md."""

from typing import Any

GOALS = {
    "ratio": 1.5,
    "p95": 200.0,
    "throughput": 0.25,
    "import": 5000.0,
}


def _ok(good: bool) -> str:
    return "met" if good else "**missed**"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def sections(r: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    out: list[tuple[str, list[str], list[list[str]]]] = []
    counts = r["counts"]
    out.append(
        (
            "Data set",
            ["table", "rows"],
            [[name, f"{n:,}"] for name, n in counts.items()],
        )
    )
    if "engine" in r:
        e = r["engine"]
        out.append(
            (
                "Figures engine against plain SQL (ms, median of 5 after a warm-up)",
                ["query set", "engine", "plain SQL", "ratio", "goal ≤ 1.5"],
                [
                    [
                        "impact_report",
                        _ms(e["report_ms"]),
                        _ms(e["report_sql_ms"]),
                        f"{e['report_ratio']:.2f}",
                        _ok(e["report_ratio"] <= GOALS["ratio"]),
                    ],
                    [
                        "dashboard (computed)",
                        _ms(e["dashboard_ms"]),
                        _ms(e["dashboard_sql_ms"]),
                        f"{e['dashboard_ratio']:.2f}",
                        _ok(e["dashboard_ratio"] <= GOALS["ratio"]),
                    ],
                    *(
                        [
                            [
                                "dashboard (from the figures cache)",
                                _ms(e["dashboard_cached_ms"]),
                                _ms(e["dashboard_sql_ms"]),
                                f"{e['dashboard_cached_ms'] / e['dashboard_sql_ms']:.2f}",
                                "",
                            ]
                        ]
                        if "dashboard_cached_ms" in e
                        else []
                    ),
                ],
            )
        )
    if "load" in r:
        load = r["load"]
        h = load["healthz"]
        rows = [
            [
                "/healthz (reference)",
                _ms(h.get("alone_p50")),
                _ms(h["p50"]),
                _ms(h["p95"]),
                _ms(h["p99"]),
                f"{h['rps']:.1f}",
                "1.00",
                str(h["errors"]),
                "",
            ]
        ]
        for name, p in load["pages"].items():
            good = p["p95"] is not None and p["p95"] <= GOALS["p95"] and p["ratio"] >= 0.25
            rows.append(
                [
                    name,
                    _ms(p.get("alone_p50")),
                    _ms(p["p50"]),
                    _ms(p["p95"]),
                    _ms(p["p99"]),
                    f"{p['rps']:.1f}",
                    f"{p['ratio']:.2f}",
                    str(p["errors"]),
                    _ok(good),
                ]
            )
        out.append(
            (
                f"Pages under {load['clients']} concurrent clients, {load['seconds']:.0f} s each "
                f"(gunicorn, {load['workers']} sync workers; ms)",
                ["page", "p50 alone", "p50", "p95", "p99", "req/s", "throughput ratio", "errors",
                 "goal p95 ≤ 200 ms and ratio ≥ 0.25"],
                rows,
            )
        )  # fmt: skip
    if "queries" in r:
        rows = []
        for name, q in r["queries"].items():
            a, b = q["10"], q["100"]
            if a["rows"] == b["rows"]:
                # Not paginated: both requests showed every row, so nothing was compared.
                verdict = f"not paginated: all {a['rows']} rows on one page"
            else:
                verdict = _ok(a["queries"] == b["queries"])
            rows.append(
                [
                    name,
                    f"{a['queries']} ({a['rows']} rows)",
                    f"{b['queries']} ({b['rows']} rows)",
                    verdict,
                ]
            )
        out.append(
            (
                "Queries per list page at 10 and 100 rows per page",
                ["page", "10 rows", "100 rows", "goal: equal"],
                rows,
            )
        )
    if "import" in r:
        i = r["import"]
        out.append(
            (
                f"Import of a {i['rows']:,}-row workbook (.xlsx, {i['size_bytes'] / 1e6:.1f} MB)",
                ["step", "seconds", "rows/s", "goal ≥ 5,000 rows/s"],
                [
                    ["check only (dry run)", f"{i['check_s']:.1f}", f"{i['check_rps']:,.0f}", ""],
                    [
                        "check and write",
                        f"{i['import_s']:.1f}",
                        f"{i['import_rps']:,.0f}",
                        _ok(i["import_rps"] >= GOALS["import"]),
                    ],
                ],
            )
        )
    growth = r["growth"]
    sizes = sorted(growth, key=int)
    names = list(growth[sizes[0]]["figures"])
    rows = []
    for name in names:
        row = [name] + [_ms(growth[s]["figures"][name]) for s in sizes]
        first, last = growth[sizes[0]]["figures"][name], growth[sizes[-1]]["figures"][name]
        row.append(f"x{last / first:.1f}" if first else "—")
        rows.append(row)
    out.append(
        (
            "Growth of each figure's computation (ms, median of 3)",
            ["figure", *[f"{int(s):,} people" for s in sizes], "growth"],
            rows,
        )
    )
    return out


def _markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def table(r: dict[str, Any]) -> str:
    parts = []
    for title, headers, rows in sections(r):
        widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
        parts.append(f"\n{title}")
        parts.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)))
        for row in rows:
            parts.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)))
    return "\n".join(parts)


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    parts = [
        "# Performance at regional scale",
        "",
        "Produced by `make bench` (`bench/run.py`); every number below comes from the run "
        f"described here. Run of {r['when']}, {r['elapsed'] / 60:.0f} minutes in all.",
        "",
        "## Machine",
        "",
        _markdown_table(["", ""], [[k, v] for k, v in m.items()]),
        "",
        r.get("notes", ""),
    ]
    for title, headers, rows in sections(r):
        parts += ["", f"## {title}", "", _markdown_table(headers, rows)]
    parts += ["", r.get("findings", ""), ""]
    return "\n".join(parts)
