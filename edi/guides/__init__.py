"""Implementation guides as data: the XML maps, their compiler, the walker, element checks, the validator."""
