"""The sbo-edi command: the click commands live in edi/commands/, one module per area."""

from __future__ import annotations

from edi.commands import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
