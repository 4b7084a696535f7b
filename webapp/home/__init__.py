"""The first page after signing in: the family's home, or the professional's workplace on the hub."""
