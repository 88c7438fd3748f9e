"""A progress bar for the command line: redrawn in place on a terminal, plain lines otherwise."""

from __future__ import annotations

from typing import TextIO

WIDTH = 30


class ProgressBar:
    """A `Progress` callback that draws `[#####-----]  5/10 label` on a stream (stderr)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.terminal = stream.isatty()
        self._open = False

    def __call__(self, done: int, total: int, label: str) -> None:
        """Show that `done` of `total` steps are done, the last one being `label`."""
        total = max(total, done, 1)
        filled = WIDTH * done // total
        line = f"[{'#' * filled}{'-' * (WIDTH - filled)}] {done:>3}/{total} {label}"
        if self.terminal:
            # pad over whatever a longer previous label left behind
            self.stream.write("\r" + line[:100].ljust(100))
            self._open = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the redrawn line, so what follows starts on a line of its own."""
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False
