"""The utility's business decisions as pure functions: account state + request + calendar -> decision."""
