from tests.security.counts import summary_lines


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = summary_lines()
    if lines:
        terminalreporter.write_sep("=", "persona sweep")
        for line in lines:
            terminalreporter.write_line(line)
