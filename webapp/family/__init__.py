"""The family: its members (parents, children) and inviting them to OnsPlan."""
