def pytest_terminal_summary(terminalreporter):
    """Print how many cases the authorization matrix ran (xdist workers send their reports)."""
    cases = patterns = 0
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "") != "call":
                continue
            for name, value in report.user_properties:
                if name == "authorization_cases":
                    cases += value
                    patterns += 1
    if patterns:
        terminalreporter.write_line(
            f"authorization matrix: {cases} cases ({patterns} URL patterns, 12 roles, GET and POST)"
        )
