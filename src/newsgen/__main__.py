"""`python -m newsgen`: the `newsgen` program (cli.run)."""

from .cli import run

if __name__ == "__main__":  # pragma: no cover
    run()
