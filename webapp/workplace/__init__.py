"""The hub's workplace: what families share with the signed-in professional's organisation."""
