"""Sending later: what a family member sends without network waits on the phone (an IndexedDB
outbox in static/js/outbox.js) and is sent when the connection returns. The server side is small:
who is signed in now with a fresh CSRF token, and the page that lists what waits."""
