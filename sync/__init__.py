"""sync/v1: how family records travel between a family space and a hub.

This package holds the parts every record needs from the moment it is made —
a client-made id and a hybrid logical clock value — so records written today can
be sealed into envelopes (header + AEAD body + Ed25519 signature) by the sync client.
"""
